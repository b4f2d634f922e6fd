package io.herald.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A count of finished work with the {@link System#nanoTime()} of the last addition, shared by the
 * threads doing it, and the measurement of its rate over a window after a warm-up. Thread-safe.
 */
final class Progress {

    private final AtomicLong count = new AtomicLong();
    private volatile long lastNanos;

    void add(long n) {
        count.addAndGet(n);
        lastNanos = System.nanoTime();
    }

    long count() {
        return count.get();
    }

    /**
     * Waits out {@code warmupNanos}, then measures the rate for {@code measureNanos}: what was added
     * in the window ÷ its length. With a finite {@code total} (a stock being drained) the window
     * ends early, at the last addition, once the count reaches it. {@code failed} is polled: a
     * failure of the workers ends the wait with an exception.
     */
    double rate(long warmupNanos, long measureNanos, long total, java.util.function.Supplier<Throwable> failed)
            throws InterruptedException {
        long start = System.nanoTime();
        awaitUntil(start + warmupNanos, total, failed);
        long c0 = count();
        long t0 = System.nanoTime();
        if (c0 >= total) {
            throw new IllegalStateException("the stock of " + total + " was used up in the warm-up: make it larger");
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
