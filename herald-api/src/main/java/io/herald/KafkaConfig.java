package io.herald;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Kafka backend, for {@link io.herald.Herald#kafka}. It lives in herald-api so
 * that an application names its backend without compiling against it; the backend itself is
 * the herald-kafka module, found at run time.
 *
 * @param bootstrapServers  {@code host:port[,host:port...]} of the cluster
 * @param clientProperties  passed to every Kafka client Herald makes (admin, producer, consumers)
 *                          before Herald's own settings: security, TLS, SASL, client ids, tuning
 * @param replicationFactor replicas of each topic Herald creates
 * @param requestTimeout    how long an administrative call (and the first contact) may take before
 *                          it fails with an error naming the bootstrap servers
 * @param maxEventBytes     the largest event record (key, headers and value) a publish accepts;
 *                          topics Herald creates accept records of this size
 * @param releasesDelayedEvents whether this process takes part in releasing delayed events when
 *                          they are due (the open brokers share that work in a consumer group);
 *                          off for short-lived clients such as the CLI, whose joining and leaving
 *                          would only make the group rebalance. Some open broker must release them
 */
public record KafkaConfig(String bootstrapServers, Map<String, String> clientProperties, short replicationFactor,
                          Duration requestTimeout, int maxEventBytes, boolean releasesDelayedEvents) implements BackendConfig {

    public static final short DEFAULT_REPLICATION_FACTOR = 1;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

    public KafkaConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(clientProperties, "clientProperties");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (bootstrapServers.isBlank()) {
            throw new InvalidSpecException("bootstrap servers must not be empty; give host:port[,host:port...]");
        }
        if (replicationFactor < 1) {
            throw new InvalidSpecException("replication factor must be at least 1, got " + replicationFactor);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new InvalidSpecException("request timeout must be positive, got " + requestTimeout);
        }
        if (maxEventBytes < 1024 || maxEventBytes > 64 * 1024 * 1024) {
            throw new InvalidSpecException("max event bytes must be between 1024 and 64 MiB, got " + maxEventBytes);
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaConfig of(String bootstrapServers) {
        return new KafkaConfig(bootstrapServers, Map.of(), DEFAULT_REPLICATION_FACTOR, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_EVENT_BYTES, true);
    }

    /** A Kafka client setting, such as {@code security.protocol=SASL_SSL}. */
    public KafkaConfig clientProperty(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(clientProperties);
        copy.put(name, value);
        return new KafkaConfig(bootstrapServers, copy, replicationFactor, requestTimeout, maxEventBytes, releasesDelayedEvents);
    }

    public KafkaConfig replicationFactor(short factor) {
        return new KafkaConfig(bootstrapServers, clientProperties, factor, requestTimeout, maxEventBytes, releasesDelayedEvents);
    }

    public KafkaConfig requestTimeout(Duration timeout) {
        return new KafkaConfig(bootstrapServers, clientProperties, replicationFactor, timeout, maxEventBytes, releasesDelayedEvents);
    }

    public KafkaConfig maxEventBytes(int bytes) {
        return new KafkaConfig(bootstrapServers, clientProperties, replicationFactor, requestTimeout, bytes, releasesDelayedEvents);
    }

    /** Whether this process releases delayed events when due; see {@link #releasesDelayedEvents()}. */
    public KafkaConfig releasesDelayedEvents(boolean releases) {
        return new KafkaConfig(bootstrapServers, clientProperties, replicationFactor, requestTimeout, maxEventBytes, releases);
    }

    /**
     * The passthrough properties with the bootstrap servers: the settings every Kafka client of
     * the broker starts from, and those an application's own clients of the same cluster need.
     */
    public Map<String, Object> clientBase() {
        Map<String, Object> base = new LinkedHashMap<>(clientProperties);
        base.put("bootstrap.servers", bootstrapServers);
        return base;
    }
}
