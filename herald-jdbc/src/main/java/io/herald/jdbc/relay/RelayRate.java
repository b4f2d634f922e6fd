package io.herald.jdbc.relay;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Events relayed per second over a sliding window of whole seconds. The relay thread adds;
 * any thread reads.
 */
final class RelayRate {

    private static final int WINDOW_SECONDS = 10;
    /** One slot more than the window: the second still filling must not overwrite the oldest counted one. */
    private static final int SLOTS = WINDOW_SECONDS + 1;

    /** Per slot: the epoch second it counts, and its count. */
    private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);
    private final AtomicLongArray counts = new AtomicLongArray(SLOTS);

    void add(long events, long nowMillis) {
        long second = nowMillis / 1000;
        int slot = (int) (second % SLOTS);
        if (seconds.get(slot) != second) {
            counts.set(slot, 0);
            seconds.set(slot, second);
        }
        counts.addAndGet(slot, events);
    }

    double perSecond(long nowMillis) {
        long now = nowMillis / 1000;
        long sum = 0;
        for (int i = 0; i < SLOTS; i++) {
            long second = seconds.get(i);
            // the current second is still filling: count the WINDOW_SECONDS full seconds before it
            if (second < now && second >= now - WINDOW_SECONDS) {
                sum += counts.get(i);
            }
        }
        return sum / (double) WINDOW_SECONDS;
    }
}
