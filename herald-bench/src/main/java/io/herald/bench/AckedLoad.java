package io.herald.bench;

import io.herald.bench.BrokerUnderTest.AckedHandler;
import io.herald.bench.BrokerUnderTest.TopicPublisher;
import io.herald.bench.BrokerUnderTest.Verdict;
import io.herald.broker.Ordering;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * The load of the reliable-delivery workloads, the same for both systems. One run:
 *
 * <ol>
 *   <li>a fresh 8-partition topic; N consumers of a new subscription ({@link BrokerUnderTest#acked}),
 *       all in the group before anything is published;</li>
 *   <li>probe: one event every 100 ms until the first is acknowledged (a Kafka share group takes
 *       seconds to hand out its first record), not measured;</li>
 *   <li>latency phase (optional): a paced publisher sends {@code rate} events/s for warm-up +
 *       measure; the handler records due time → ack for the events due after the warm-up, then
 *       every paced event is awaited;</li>
 *   <li>throughput phase: with the handlers held at a gate, a stock of events is published
 *       (batches of 1,000); then the gate opens and throughput = acknowledgements during the
 *       measured time (after the warm-up) ÷ its length, or the whole stock ÷ the time to its last
 *       acknowledgement if it runs out first ({@link #drain}).</li>
 * </ol>
 *
 * Each delivery goes to the handler: it sleeps {@code handlerMillis} (an I/O-bound handler; 0 =
 * none), fails the first delivery of {@code failurePercent} % of the events (a nack: delivered
 * again), and acks the rest, one ack per event.
 */
final class AckedLoad {

    static final int PARTITIONS = 8;
    /** Publish calls of 1,000 events in flight while the stock is published. */
    private static final int STOCK_WINDOW = 8;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Events published for the throughput phase: {@code --acked-stock}, or for a handler that
     * sleeps, 1.5 × what the consumers could at most handle in warm-up + measure.
     */
    static long stock(BenchOptions o, int consumers, int handlerMillis) {
        if (handlerMillis == 0) {
            return o.ackedStock();
        }
        double seconds = (o.warmup().toNanos() + o.measure().toNanos()) / 1e9;
        return Math.max(KeyedEvents.BATCH, Math.min(o.ackedStock(), (long) (1.5 * consumers * 1000.0 / handlerMillis * seconds)));
    }

    /** The Kafka producer's linger for the paced publisher: its lowest-latency setting. */
    static final Duration PACED_LINGER = Duration.ZERO;

    private AckedLoad() {
    }

    record Result(double ackedPerSecond, double p50Millis, double p99Millis, long nacks) {
    }

    /**
     * One run on a fresh topic. {@code rate} 0 skips the latency phase.
     */
    static Result run(BrokerUnderTest system, RunContext run, Ordering ordering, int consumers, int handlerMillis,
                      int failurePercent, int rate) throws Exception {
        Recorder recorder = new Recorder(handlerMillis, failurePercent);
        system.createTopic(run.topic(), PARTITIONS, Durability.NEVER);
        try {
            String subscription = "acked-" + run.topic();
            try (AutoCloseable group = system.acked(run.topic(), subscription, ordering, consumers, recorder);
                 TopicPublisher paced = system.publisher(run.topic(), PACED_LINGER);
                 TopicPublisher bulk = system.publisher(run.topic(), PublishWorkload.KAFKA_LINGER)) {
                SplittableRandom random = new SplittableRandom(11);
                long sent = probe(paced, recorder, random);
                double p50 = 0;
                double p99 = 0;
                if (rate > 0) {
                    Histogram latency = recorder.latency;
                    sent += pace(paced, recorder, rate, run.options().warmup(), run.options().measure(), random);
                    await(recorder, sent);
                    recorder.recordFrom = Long.MAX_VALUE;
                    p50 = latency.getValueAtPercentile(50) / 1e6;
                    p99 = latency.getValueAtPercentile(99) / 1e6;
                }
                double ackedPerSecond = drain(bulk, recorder, stock(run.options(), consumers, handlerMillis),
                        run.options().warmup(), run.options().measure());
                return new Result(ackedPerSecond, p50, p99, recorder.nacks.sum());
            }
        } finally {
            system.deleteTopic(run.topic());
        }
    }

    /** Publishes one event every 100 ms until one is acknowledged; returns how many it sent. */
    private static long probe(TopicPublisher publisher, Recorder recorder, SplittableRandom random) throws Exception {
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        long sent = 0;
        while (recorder.finished() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no event acknowledged within " + PROBE_TIMEOUT.toSeconds() + " s of the consumers joining");
            }
            publisher.publish(KeyedEvents.event(KeyedEvents.NEVER_FAILS, 0, random)).get(30, TimeUnit.SECONDS);
            sent++;
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            while (recorder.finished() == 0 && System.nanoTime() < until) {
                Thread.sleep(2);
            }
        }
        return sent;
    }

    /**
     * Sends one event every 1/rate s for warm-up + measure, each carrying its due time; the
     * latency of those due after the warm-up is recorded. Returns how many it sent.
     */
    private static long pace(TopicPublisher publisher, Recorder recorder, int rate, Duration warmup, Duration measure,
                             SplittableRandom random) {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        long recordFrom = start + warmup.toNanos();
        long end = recordFrom + measure.toNanos();
        recorder.recordFrom = recordFrom;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long i = 0;
        for (long due = start; due < end; due = start + ++i * interval) {
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            publisher.publish(KeyedEvents.event(i, due, random)).whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
            if (failure.get() != null) {
                throw new IllegalStateException("a publish failed: " + failure.get(), failure.get());
            }
        }
        return i;
    }

    /** Waits until {@code events} events are finished (acknowledged or rejected). */
    private static void await(Recorder recorder, long events) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (recorder.finished() < events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("finished " + recorder.finished() + " of " + events + " events within "
                        + DRAIN_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(2);
        }
    }

    /**
     * The throughput phase. The handlers are held at a gate while {@code stock} events are
     * published (batches of 1,000, 8 in flight), so the phase measures consuming, not the
     * publisher: on 2 cores a concurrent publisher takes the CPU the consumers need, and whichever
     * of the two is slower would set the rate. Then the gate opens: the rate is the
     * acknowledgements during {@code measure} after {@code warmup} — or, when the stock runs out
     * sooner, all of it over the time from the gate's opening to its last acknowledgement.
     */
    private static double drain(TopicPublisher publisher, Recorder recorder, long stock, Duration warmup, Duration measure)
            throws Exception {
        KeyedEvents pool = KeyedEvents.pool();
        long base = recorder.acks.sum();
        CountDownLatch gate = new CountDownLatch(1);
        recorder.gate = gate;
        try {
            ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
            for (long i = 0, published = 0; published < stock; i++) {
                List<Event> batch = pool.batch(i);
                if (stock - published < batch.size()) {
                    batch = batch.subList(0, (int) (stock - published));
                }
                inFlight.addLast(publisher.publish(batch));
                published += batch.size();
                if (inFlight.size() >= STOCK_WINDOW) {
                    inFlight.removeFirst().get(60, TimeUnit.SECONDS);
                }
            }
            for (CompletableFuture<?> f : inFlight) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            recorder.gate = null;
            gate.countDown();
        }
        long open = System.nanoTime();
        long done = base + stock;
        long warmEnd = open + warmup.toNanos();
        long t;
        while ((t = System.nanoTime()) < warmEnd && recorder.acks.sum() < done) {
            LockSupport.parkNanos(100_000);
        }
        if (recorder.acks.sum() >= done) {
            return stock * 1e9 / (t - open);
        }
        long a0 = recorder.acks.sum();
        long t0 = System.nanoTime();
        long end = t0 + measure.toNanos();
        long a1;
        while ((t = System.nanoTime()) < end && (a1 = recorder.acks.sum()) < done) {
            LockSupport.parkNanos(100_000);
        }
        a1 = recorder.acks.sum();
        if (a1 == a0) {
            throw new IllegalStateException("no event acknowledged during the measured " + measure.toMillis() + " ms");
        }
        return (Math.min(a1, done) - a0) * 1e9 / (t - t0);
    }

    private static void sleep(Duration d, AtomicReference<Throwable> failure) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0 && failure.get() == null) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
        }
    }

    /** The application's handler: sleeps, fails some first deliveries, acks the rest; counts and times the acks. */
    static final class Recorder implements AckedHandler {
        final LongAdder acks = new LongAdder();
        final LongAdder nacks = new LongAdder();
        final LongAdder rejects = new LongAdder();
        final Histogram latency = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
        private final int handlerMillis;
        private final int failurePercent;
        volatile boolean rejecting;
        /** While set, handlers wait here before they handle (the throughput phase's stock is being published). */
        volatile CountDownLatch gate;
        volatile long recordFrom = Long.MAX_VALUE;

        Recorder(int handlerMillis, int failurePercent) {
            this.handlerMillis = handlerMillis;
            this.failurePercent = failurePercent;
        }

        @Override
        public Verdict handle(Event event, int attempt) throws InterruptedException {
            CountDownLatch g = gate;
            if (g != null) {
                g.await();
            }
            if (handlerMillis > 0) {
                Thread.sleep(handlerMillis);
            }
            if (rejecting) {
                return Verdict.REJECT;
            }
            if (failurePercent > 0 && attempt == 1 && KeyedEvents.index(event.data()) % 100 < failurePercent) {
                return Verdict.NACK;
            }
            return Verdict.ACK;
        }

        @Override
        public void ended(Event event, Verdict verdict) {
            switch (verdict) {
                case ACK -> {
                    long now = System.nanoTime();
                    acks.increment();
                    long due = recordFrom == Long.MAX_VALUE ? 0 : KeyedEvents.dueNanos(event.data());
                    if (due != 0 && due >= recordFrom) {
                        latency.recordValue(Math.max(0, now - due));
                    }
                }
                case NACK -> nacks.increment();
                case REJECT -> rejects.increment();
            }
        }

        /** Events done with: acknowledged or rejected. */
        long finished() {
            return acks.sum() + rejects.sum();
        }
    }
}
