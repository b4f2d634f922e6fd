package io.herald.jdbc.relay;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link OutboxRelay} works. Build from {@link #defaults()} with the {@code with} methods.
 *
 * @param batchSize       rows read, published and deleted together, 1 to {@value #MAX_BATCH_SIZE}
 * @param pollInterval    how often the relay looks for rows without a notification (a lost NOTIFY,
 *                        a relay that was standby), and how often a standby tries to become leader
 * @param publishTimeout  how long the relay waits for the broker to acknowledge a batch before it
 *                        counts as failed and is retried
 * @param minBackoff      the first wait after a failure of the broker or the database
 * @param maxBackoff      the longest wait between retries; waits double up to it, with full jitter
 */
public record RelayConfig(int batchSize, Duration pollInterval, Duration publishTimeout,
                          Duration minBackoff, Duration maxBackoff) {

    public static final int MAX_BATCH_SIZE = 10_000;
    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    public RelayConfig {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(minBackoff, "minBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new InvalidSpecException("relay batch size must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        requirePositive("poll interval", pollInterval);
        requirePositive("publish timeout", publishTimeout);
        requirePositive("min backoff", minBackoff);
        requirePositive("max backoff", maxBackoff);
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new InvalidSpecException("relay max backoff (" + maxBackoff + ") must not be shorter than its min backoff (" + minBackoff + ")");
        }
    }

    public static RelayConfig defaults() {
        return new RelayConfig(DEFAULT_BATCH_SIZE, DEFAULT_POLL_INTERVAL, DEFAULT_PUBLISH_TIMEOUT, DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    public RelayConfig withBatchSize(int batchSize) {
        return new RelayConfig(batchSize, pollInterval, publishTimeout, minBackoff, maxBackoff);
    }

    public RelayConfig withPollInterval(Duration pollInterval) {
        return new RelayConfig(batchSize, pollInterval, publishTimeout, minBackoff, maxBackoff);
    }

    public RelayConfig withPublishTimeout(Duration publishTimeout) {
        return new RelayConfig(batchSize, pollInterval, publishTimeout, minBackoff, maxBackoff);
    }

    public RelayConfig withBackoff(Duration min, Duration max) {
        return new RelayConfig(batchSize, pollInterval, publishTimeout, min, max);
    }

    private static void requirePositive(String what, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new InvalidSpecException("relay " + what + " must be positive, got " + d);
        }
    }
}
