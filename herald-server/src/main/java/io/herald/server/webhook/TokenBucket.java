package io.herald.server.webhook;


/**
 * The rate limit of one destination: calls go no faster than {@code perSecond}, spaced evenly.
 * A bucket of one token: each caller reserves the next free slot, {@code 1/perSecond} after the
 * one before (the generic cell rate algorithm with a burst of one), and waits until it comes. So
 * no second-long window sees more than {@code perSecond + 1} calls, and callers go in the order
 * they asked.
 *
 * <p>Pure: the caller passes the time, in nanoseconds of any monotonic clock, and a test drives
 * it by hand. Not thread-safe: {@link Destination} calls it under its lock.
 */
final class TokenBucket {

    private long interval;
    /** When the next slot is free; meaningful once {@code started}. */
    private long nextFree;
    private boolean started;

    TokenBucket(double perSecond) {
        rate(perSecond);
    }

    /** Changes the rate; slots already handed out stay as they are. */
    void rate(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("a rate must be a positive number, got " + perSecond);
        }
        this.interval = Math.max(1, Math.round(1e9 / perSecond));
    }

    long interval() {
        return interval;
    }

    /** Takes the next free slot; returns how long from {@code now} until it comes (0: go now). */
    long reserve(long now) {
        long slot = started && nextFree - now > 0 ? nextFree : now;
        started = true;
        nextFree = slot + interval;
        return slot - now;
    }

    /**
     * A slot that will not be used (its caller gave up) goes back, if no later one was handed
     * out; otherwise it stays a gap: the rate may come out lower, never higher.
     */
    void cancel(long slot) {
        if (started && nextFree == slot + interval) {
            nextFree = slot;
        }
    }
}
