package io.herald.kafka;

import io.herald.BackendConfig;
import io.herald.BackendProvider;
import io.herald.KafkaConfig;
import io.herald.broker.Broker;

/** Lets {@code Herald.open(KafkaConfig)} find this backend. */
public final class KafkaBackendProvider implements BackendProvider {

    @Override
    public Class<? extends BackendConfig> configType() {
        return KafkaConfig.class;
    }

    @Override
    public Broker open(BackendConfig config) {
        return KafkaBroker.connect((KafkaConfig) config);
    }
}
