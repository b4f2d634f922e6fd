package io.herald.embedded;

import io.herald.BackendConfig;
import io.herald.BackendProvider;
import io.herald.EmbeddedConfig;
import io.herald.broker.Broker;

/** Makes {@code Herald.embedded(dir)} find this backend. */
public final class EmbeddedBackendProvider implements BackendProvider {

    @Override
    public Class<? extends BackendConfig> configType() {
        return EmbeddedConfig.class;
    }

    @Override
    public Broker open(BackendConfig config) {
        return EmbeddedBroker.open((EmbeddedConfig) config);
    }
}
