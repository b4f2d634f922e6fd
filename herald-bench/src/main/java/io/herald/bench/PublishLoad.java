package io.herald.bench;

import io.herald.bench.BrokerUnderTest.TopicPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load generator of every publish measurement, the same for both systems: {@code threads}
 * publishers run for the warm-up and then for the measured time; the rate is the number of
 * events acknowledged during the measured time over its length. Acknowledgements are counted as
 * each publisher retires a future from its window, so a window's worth of events in flight at
 * either end of the measured time does not skew a steady-state rate.
 */
final class PublishLoad {

    static final int SINGLE_WINDOW = 8192;
    static final int BATCH_WINDOW = 8;

    private final TopicPublisher publisher;
    private final EventPool pool;
    private final PublishMode mode;
    private final LongAdder acked = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;

    private PublishLoad(TopicPublisher publisher, EventPool pool, PublishMode mode) {
        this.publisher = publisher;
        this.pool = pool;
        this.mode = mode;
    }

    /** Events per second acknowledged in the measured time. */
    static double run(TopicPublisher publisher, EventPool pool, PublishMode mode, int threads, boolean virtualThreads,
                      Duration warmup, Duration measure) throws Exception {
        return new PublishLoad(publisher, pool, mode).run(threads, virtualThreads, warmup, measure);
    }

    private double run(int threads, boolean virtualThreads, Duration warmup, Duration measure) throws Exception {
        ThreadFactory factory = virtualThreads ? Thread.ofVirtual().name("publisher-", 0).factory()
                : Thread.ofPlatform().name("publisher-", 0).factory();
        List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long first = (long) t * 7919; // threads start at different events of the pool
            Thread thread = factory.newThread(() -> {
                try {
                    publish(first);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stopping = true;
                }
            });
            publishers.add(thread);
            thread.start();
        }
        try {
            sleep(warmup);
            long count0 = acked.sum();
            long t0 = System.nanoTime();
            sleep(measure);
            long count1 = acked.sum();
            long t1 = System.nanoTime();
            return (count1 - count0) * 1e9 / (t1 - t0);
        } finally {
            stopping = true;
            for (Thread thread : publishers) {
                if (!thread.join(Duration.ofSeconds(120))) {
                    throw new IllegalStateException(thread + " did not drain its window within 120 s");
                }
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a publisher failed: " + failure.get(), failure.get());
            }
        }
    }

    private void sleep(Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0 && failure.get() == null) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    private void publish(long first) {
        switch (mode) {
            case SYNC -> {
                for (long i = first; !stopping; i++) {
                    publisher.publish(pool.event(i)).join();
                    acked.increment();
                }
            }
            case SINGLE -> pipelined(first, SINGLE_WINDOW, 1);
            case BATCH -> pipelined(first, BATCH_WINDOW, EventPool.BATCH);
        }
    }

    /** Keeps up to {@code window} calls in flight: before the next call, waits for the one {@code window} calls back. */
    private void pipelined(long first, int window, int eventsPerCall) {
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[window];
        for (long i = first; !stopping; i++) {
            int slot = (int) (i % window);
            CompletableFuture<?> oldest = inFlight[slot];
            if (oldest != null) {
                oldest.join();
                acked.add(eventsPerCall);
            }
            inFlight[slot] = eventsPerCall == 1 ? publisher.publish(pool.event(i)) : publisher.publish(pool.batch(i));
        }
        for (CompletableFuture<?> f : inFlight) {
            if (f != null) {
                f.join();
            }
        }
    }
}
