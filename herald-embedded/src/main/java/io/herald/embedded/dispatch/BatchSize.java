package io.herald.embedded.dispatch;

import java.time.Duration;

/**
 * How many deliveries a push worker leases at once: as many as it can handle within a quarter of
 * the lease, judged by how long its handler took per event lately, and at most {@link #MAX}. A
 * fast handler takes big batches (one lock for many events); a slow one takes few, so that the
 * last event of a batch is not still waiting for its turn when its lease runs out.
 */
final class BatchSize {

    static final int MAX = 64;
    /** Weight of the newest batch in the running average. */
    private static final double NEWEST = 0.2;

    private final double budgetNanos;
    /** Nanoseconds per event, averaged; 0 until a batch was handled. */
    private double perEvent;

    BatchSize(Duration lease) {
        this.budgetNanos = lease.toNanos() / 4.0;
    }

    /** The size of the next batch: 1 until the handler's speed is known. */
    int next() {
        if (perEvent <= 0) {
            return 1;
        }
        return (int) Math.max(1, Math.min(MAX, budgetNanos / perEvent));
    }

    /** A batch of {@code events} was handled in {@code nanos}. */
    void handled(int events, long nanos) {
        if (events == 0) {
            return;
        }
        double each = Math.max(1, nanos) / (double) events;
        perEvent = perEvent <= 0 ? each : (1 - NEWEST) * perEvent + NEWEST * each;
    }
}
