package io.herald;

import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.error.HeraldException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Where an application gets its {@link Broker}. Moving from one machine to Kafka is a change
 * of this one call: {@code Herald.embedded(dir)} becomes {@code Herald.kafka(KafkaConfig.of("host:9092"))}.
 */
public final class Herald {

    private Herald() {
    }

    /** The embedded broker on a data directory (needs {@code io.herald:herald-embedded} on the class path). */
    public static Broker embedded(Path dataDirectory) {
        return open(EmbeddedConfig.of(dataDirectory));
    }

    /**
     * The Kafka backend on a cluster (needs {@code io.herald:herald-kafka} on the class path);
     * fails with an error naming the bootstrap servers when the cluster does not answer.
     */
    public static Broker kafka(KafkaConfig config) {
        return open(config);
    }

    public static Broker open(BackendConfig config) {
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
            if (provider.configType().isInstance(config)) {
                return provider.open(config);
            }
        }
        throw new HeraldException("no Herald backend for " + config.getClass().getSimpleName()
                + " on the class path; add the backend's module (for EmbeddedConfig: io.herald:herald-embedded, for KafkaConfig: io.herald:herald-kafka)");
    }
}
