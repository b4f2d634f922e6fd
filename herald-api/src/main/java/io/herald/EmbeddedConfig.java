package io.herald;

import io.herald.error.InvalidSpecException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the embedded backend: one JVM, durable local storage in {@code dataDirectory}.
 *
 * @param dataDirectory     where topics and Herald's internal topics live; created if missing;
 *                          one process at a time (a lock file guards it)
 * @param maxEventBytes     the largest encoded event a publish accepts
 * @param retentionInterval how often retention looks for expired segments
 */
public record EmbeddedConfig(Path dataDirectory, int maxEventBytes, Duration retentionInterval) implements BackendConfig {

    public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofSeconds(30);

    public EmbeddedConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(retentionInterval, "retentionInterval");
        if (maxEventBytes < 1024 || maxEventBytes > 64 * 1024 * 1024) {
            throw new InvalidSpecException("max event bytes must be between 1024 and 64 MiB, got " + maxEventBytes);
        }
        if (retentionInterval.isNegative() || retentionInterval.isZero()) {
            throw new InvalidSpecException("retention interval must be positive, got " + retentionInterval);
        }
    }

    public static EmbeddedConfig of(Path dataDirectory) {
        return new EmbeddedConfig(dataDirectory, DEFAULT_MAX_EVENT_BYTES, DEFAULT_RETENTION_INTERVAL);
    }

    public EmbeddedConfig maxEventBytes(int bytes) {
        return new EmbeddedConfig(dataDirectory, bytes, retentionInterval);
    }

    public EmbeddedConfig retentionInterval(Duration interval) {
        return new EmbeddedConfig(dataDirectory, maxEventBytes, interval);
    }
}
