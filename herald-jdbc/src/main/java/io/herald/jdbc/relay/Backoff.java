package io.herald.jdbc.relay;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (a random wait up to a ceiling that doubles per failure),
 * so relays that failed together do not retry together. Used by one thread.
 */
final class Backoff {

    private final long minNanos;
    private final long maxNanos;
    private int failures;

    Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The wait after one more failure. */
    Duration next() {
        long ceiling = minNanos << Math.min(failures, 30);
        if (ceiling <= 0 || ceiling > maxNanos) {
            ceiling = maxNanos;
        }
        failures++;
        return Duration.ofNanos(minNanos + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - minNanos + 1)));
    }

    void reset() {
        failures = 0;
    }
}
