package io.herald.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A count of finished work with the {@link System#nanoTime()} of the last addition, shared by the
 * threads doing it, and the measurement of its rate over a window after a warm-up. Thread-safe.
 */
final class Progress {

    private final AtomicLong count = new AtomicLong();
    private volatile long lastNanos;
    /** When the first addition of {@link #firstCount} items was made; 0 before it. */
    private volatile long firstNanos;
    private volatile long firstCount;

    void add(long n) {
        long now = System.nanoTime();
        if (count.getAndAdd(n) == 0 && firstNanos == 0) {
            firstCount = n;
            firstNanos = now;
        }
        lastNanos = now;
    }

    long count() {
        return count.get();
    }

    /**
     * Waits out {@code warmupNanos}, then measures the rate for {@code measureNanos}: what was added
     * in the window ÷ its length. With a finite {@code total} (a stock being drained) the window
     * ends early, at the last addition, once the count reaches it; a stock drained within the
     * warm-up leaves no window, and then the rate is that of the whole drain after its first
     * addition. {@code failed} is polled: a failure of the workers ends the wait with an exception.
     */
    double rate(long warmupNanos, long measureNanos, long total, java.util.function.Supplier<Throwable> failed)
            throws InterruptedException {
        long start = System.nanoTime();
        awaitUntil(start + warmupNanos, total, failed);
        long c0 = count();
        long t0 = System.nanoTime();
        if (c0 >= total) {
            return (total - firstCount) / ((lastNanos - firstNanos) / 1e9);
        }
        awaitUntil(t0 + measureNanos, total, failed);
        long c1 = count();
        long t1 = c1 >= total ? lastNanos : System.nanoTime();
        return (c1 - c0) / ((t1 - t0) / 1e9);
    }

    private void awaitUntil(long deadline, long total, java.util.function.Supplier<Throwable> failed) throws InterruptedException {
        while (System.nanoTime() < deadline && count() < total) {
            Throwable t = failed.get();
            if (t != null) {
                throw new IllegalStateException("a worker failed: " + t, t);
            }
            Thread.sleep(5);
        }
    }
}
