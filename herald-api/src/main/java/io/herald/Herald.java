package io.herald;

import io.herald.broker.Broker;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * Where an application gets its {@link Broker}. Moving from one machine to Kafka is a change
 * of this one call: {@code Herald.embedded(dir)} becomes {@code Herald.open(kafkaConfig)}.
 */
public final class Herald {

    private Herald() {
    }

    /** The embedded broker on a data directory (needs {@code io.herald:herald-embedded} on the class path). */
    public static Broker embedded(Path dataDirectory) {
        return open(EmbeddedConfig.of(dataDirectory));
    }

    public static Broker open(BackendConfig config) {
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
            if (provider.configType().isInstance(config)) {
                return provider.open(config);
            }
        }
        throw new HeraldException("no Herald backend for " + config.getClass().getSimpleName()
                + " on the class path; add the backend's module (for EmbeddedConfig: io.herald:herald-embedded)");
    }
}
