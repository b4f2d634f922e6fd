package io.herald.broker;

import io.herald.error.InvalidSpecException;
import java.time.Duration;

/**
 * When a topic's writes reach the disk, and so when a publish is acknowledged.
 *
 * <ul>
 *   <li>{@link Always}: each batch is fsynced before its publishers are acknowledged. An
 *       acknowledged event survives a crash of the process and a loss of power.
 *   <li>{@link Interval}: acknowledged once written to the operating system; fsynced at most
 *       the interval later. Survives a crash of the process; a power loss may take the last interval.
 *   <li>{@link Never}: acknowledged once written to the operating system, which flushes when it
 *       likes. Survives a crash of the process, not a loss of power.
 * </ul>
 * Concurrent publishers share each fsync (group commit), so {@code ALWAYS} costs latency, not
 * throughput, under load.
 */
public sealed interface FsyncPolicy {

    FsyncPolicy ALWAYS = new Always();
    FsyncPolicy NEVER = new Never();
    Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    static FsyncPolicy interval(Duration interval) {
        return new Interval(interval);
    }

    /**
     * Parses {@code always}, {@code never}, {@code interval} (one second) or
     * {@code interval:<duration>} such as {@code interval:200ms}; case does not matter.
     */
    static FsyncPolicy parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("always")) {
            return ALWAYS;
        }
        if (t.equals("never")) {
            return NEVER;
        }
        if (t.equals("interval")) {
            return interval(DEFAULT_INTERVAL);
        }
        if (t.startsWith("interval:")) {
            return interval(Durations.parse(t.substring("interval:".length())));
        }
        throw new InvalidSpecException("fsync policy must be 'always', 'interval', 'interval:<duration>' or 'never', got '" + text + "'");
    }

    record Always() implements FsyncPolicy {
        @Override
        public String toString() {
            return "always";
        }
    }

    record Interval(Duration interval) implements FsyncPolicy {
        public Interval {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new InvalidSpecException("fsync interval must be positive, got " + interval);
            }
        }

        @Override
        public String toString() {
            return "interval:" + Durations.format(interval);
        }
    }

    record Never() implements FsyncPolicy {
        @Override
        public String toString() {
            return "never";
        }
    }
}
