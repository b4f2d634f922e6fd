package io.herald.log;

import java.time.Duration;

/** When the log forces written batches to the disk: after every batch, at an interval, or never (the OS decides). */
public sealed interface FlushPolicy {

    FlushPolicy EVERY_BATCH = new EveryBatch();
    FlushPolicy NEVER = new Never();

    static FlushPolicy interval(Duration interval) {
        return new Interval(interval);
    }

    record EveryBatch() implements FlushPolicy {
    }

    record Interval(Duration interval) implements FlushPolicy {
        public Interval {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("flush interval must be positive, got " + interval);
            }
        }
    }

    record Never() implements FlushPolicy {
    }
}
