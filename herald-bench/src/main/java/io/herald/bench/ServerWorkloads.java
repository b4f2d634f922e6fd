package io.herald.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * The five workloads of {@link ServerBench}, written once against {@link ServerSystem}: each run
 * gets a fresh topic, warms up on it, measures, and deletes it.
 *
 * <ol>
 *   <li>{@code publish-batch}: threads publishing batches of {@code batch} events, each waiting for
 *       its answer before the next (Herald: one CloudEvents batch-mode request; Kafka: the same
 *       events as records of one producer, then the wait for all their acknowledgements);</li>
 *   <li>{@code publish-single}: threads publishing one event at a time and waiting for it (Herald:
 *       binary mode; Kafka: {@code send().get()}, linger 0), then {@code latency}: the same call
 *       started at a fixed rate from a pacer (each call on a virtual thread of its own, so a slow
 *       call delays no other: open loop), timed from its intended start;</li>
 *   <li>{@code receive}: a stock of events published first (not timed), then receiver threads
 *       receive up to 100 and acknowledge them (Kafka: poll of up to 100 and {@code commitSync});</li>
 *   <li>{@code sse}: followers of the topic's end (Herald: Server-Sent Events; Kafka: consumers
 *       assigned every partition) while a paced publisher sends single events: events delivered
 *       per second (all followers together), and publish-to-arrival from each event's due time;</li>
 *   <li>{@code webhook}: a stock of keyed events (10,000 keys) published first, then pushed to
 *       {@link WebhookSink} with per-key order and {@code concurrency} calls in flight.</li>
 * </ol>
 */
final class ServerWorkloads {

    static final String PUBLISH_BATCH = "publish-batch";
    static final String PUBLISH_SINGLE = "publish-single";
    static final String LATENCY = "latency";
    static final String RECEIVE = "receive";
    static final String SSE = "sse";
    static final String WEBHOOK = "webhook";
    static final List<String> ALL = List.of(PUBLISH_BATCH, PUBLISH_SINGLE, LATENCY, RECEIVE, SSE, WEBHOOK);

    static final Metric DELIVERED = new Metric("delivered", "ev/s", true);
    private static final int KEYS = 10_000;
    private static final Duration DRAIN = Duration.ofSeconds(15);

    private ServerWorkloads() {
    }

    /** One measurement on one system. */
    @FunctionalInterface
    interface Run {
        Map<Metric, Double> run(ServerSystem system, String topic) throws Exception;
    }

    /** A row group of the table: a workload in one configuration. */
    record Case(String workload, String label, List<Metric> metrics, Map<Metric, Target> targets, Run run) {
    }

    /** The cases of the selected workloads, in order; the webhook workload pushes to {@code sink}. */
    static List<Case> cases(ServerBench.Options o, WebhookSink sink) {
        List<Case> cases = new ArrayList<>();
        for (String w : o.workloads()) {
            cases.add(switch (w) {
                case PUBLISH_BATCH -> new Case(w, String.format(Locale.ROOT, "batches of %,d × 100 B, %d p, fsync never, %d connections",
                        o.batch(), o.partitions(), o.publishThreads()), List.of(Metric.EVENTS_PER_SECOND),
                        Map.of(Metric.EVENTS_PER_SECOND, new Target.AtLeast(100_000, "ev/s")),
                        (s, topic) -> Map.of(Metric.EVENTS_PER_SECOND, publishBatch(s, topic, o)));
                case PUBLISH_SINGLE -> new Case(w, String.format(Locale.ROOT, "one 100-B event per request, binary mode, %d p, %d connections",
                        o.partitions(), o.singleThreads()), List.of(Metric.EVENTS_PER_SECOND), Map.of(),
                        (s, topic) -> Map.of(Metric.EVENTS_PER_SECOND, publishSingle(s, topic, o)));
                case LATENCY -> new Case(w, String.format(Locale.ROOT, "one event per request at %,d req/s, open loop, %d p",
                        o.latencyRate(), o.partitions()), List.of(Metric.P50, Metric.P99, Metric.P999),
                        Map.of(Metric.P99, new Target.Below(2, "ms")),
                        (s, topic) -> latency(s, topic, o));
                case RECEIVE -> new Case(w, String.format(Locale.ROOT, "receive max=%d wait=1s + ack, %d clients, %d p, %,d ev stock",
                        HeraldHttpSystem.RECEIVE_MAX, o.receivers(), o.partitions(), o.receiveStock()),
                        List.of(Metric.ACKED_PER_SECOND), Map.of(Metric.ACKED_PER_SECOND, new Target.AtLeast(50_000, "ev/s")),
                        (s, topic) -> Map.of(Metric.ACKED_PER_SECOND, receive(s, topic, o)));
                case SSE -> new Case(w, String.format(Locale.ROOT, "%d subscribers, %,d ev/s published, %d p", o.sseSubscribers(),
                        o.sseRate(), o.partitions()), List.of(DELIVERED, Metric.P50, Metric.P99), Map.of(),
                        (s, topic) -> sse(s, topic, o));
                case WEBHOOK -> new Case(w, String.format(Locale.ROOT, "KEY, concurrency %d, %,d keyed ev stock, %d p",
                        o.webhookConcurrency(), o.webhookStock(), o.partitions()), List.of(Metric.EVENTS_PER_SECOND), Map.of(),
                        (s, topic) -> Map.of(Metric.EVENTS_PER_SECOND, webhook(s, topic, o, sink)));
                default -> throw new IllegalArgumentException("unknown workload " + w + "; known: " + ALL);
            });
        }
        return cases;
    }

    // ---- 1. batches

    static double publishBatch(ServerSystem system, String topic, ServerBench.Options o) throws Exception {
        system.createTopic(topic, o.partitions());
        try {
            WireEvents events = new WireEvents(topic);
            Progress progress = new Progress();
            return withWorkers(o.publishThreads(), worker -> {
                byte[][] batch = new byte[o.batch()][];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = WireEvents.structured(events.nextId(), null, 0);
                }
                system.publishBatch(topic, batch);
                progress.add(batch.length);
            }, failed -> progress.rate(o.warmupNanos(), o.measureNanos(), Long.MAX_VALUE, failed));
        } finally {
            system.deleteTopic(topic);
        }
    }

    // ---- 2. single events: rate, then latency at a fixed rate

    static double publishSingle(ServerSystem system, String topic, ServerBench.Options o) throws Exception {
        system.createTopic(topic, o.partitions());
        try {
            WireEvents events = new WireEvents(topic);
            Progress progress = new Progress();
            return withWorkers(o.singleThreads(), worker -> {
                system.publishOne(topic, events.nextId(), null, 0);
                progress.add(1);
            }, failed -> progress.rate(o.warmupNanos(), o.measureNanos(), Long.MAX_VALUE, failed));
        } finally {
            system.deleteTopic(topic);
        }
    }

    static Map<Metric, Double> latency(ServerSystem system, String topic, ServerBench.Options o) throws Exception {
        system.createTopic(topic, o.partitions());
        try {
            WireEvents events = new WireEvents(topic);
            Histogram histogram = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long recordFrom = start + o.warmupNanos();
            long end = recordFrom + o.measureNanos();
            pace(o.latencyRate(), start, end, due -> {
                system.publishOne(topic, events.nextId(), null, due);
                if (due >= recordFrom) {
                    histogram.recordValue(Math.max(0, System.nanoTime() - due));
                }
            });
            return Map.of(Metric.P50, millis(histogram.getValueAtPercentile(50)), Metric.P99, millis(histogram.getValueAtPercentile(99)),
                    Metric.P999, millis(histogram.getValueAtPercentile(99.9)));
        } finally {
            system.deleteTopic(topic);
        }
    }

    /** A call made at a due time; throws to fail the run. */
    @FunctionalInterface
    interface Call {
        void at(long due) throws Exception;
    }

    /**
     * Starts {@code call} every 1/rate s from {@code start} until {@code end}, each on a virtual
     * thread of its own (open loop: a slow call holds back no later one), from a platform thread
     * that parks until each due time; then waits for the calls to finish. Returns how many it made.
     */
    static long pace(int rate, long start, long end, Call call) throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong running = new AtomicLong();
        long made = 0;
        for (long due = start; due < end; due = start + ++made * interval) {
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a call failed: " + failure.get(), failure.get());
            }
            long dueAt = due;
            running.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                try {
                    call.at(dueAt);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    running.decrementAndGet();
                }
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (running.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a call failed: " + failure.get(), failure.get());
        }
        if (running.get() > 0) {
            throw new IllegalStateException(running.get() + " calls still running 60 s after the last was started");
        }
        return made;
    }

    // ---- 3. receive and ack

    static double receive(ServerSystem system, String topic, ServerBench.Options o) throws Exception {
        system.createTopic(topic, o.partitions());
        List<ServerSystem.Receiver> receivers = new ArrayList<>();
        try {
            String subscription = "receivers";
            for (int i = 0; i < o.receivers(); i++) {
                receivers.add(system.receiver(topic, subscription));
            }
            publishStock(system, topic, o, o.receiveStock(), false);
            Progress progress = new Progress();
            return withWorkers(o.receivers(), worker -> progress.add(receivers.get(worker).receiveAndAck()),
                    failed -> progress.rate(o.warmupNanos(), o.measureNanos(), o.receiveStock(), failed));
        } finally {
            for (ServerSystem.Receiver r : receivers) {
                r.close();
            }
            system.deleteTopic(topic);
        }
    }

    /** Publishes {@code stock} events in batches from the publish threads; with {@code keyed}, each has one of 10,000 keys. */
    private static void publishStock(ServerSystem system, String topic, ServerBench.Options o, long stock, boolean keyed) throws Exception {
        WireEvents events = new WireEvents(topic + "-stock");
        AtomicLong left = new AtomicLong(stock);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < o.publishThreads(); t++) {
            SplittableRandom random = new SplittableRandom(t);
            threads.add(Thread.ofPlatform().name("stock-" + t).start(() -> {
                try {
                    while (failure.get() == null) {
                        long take = Math.min(o.batch(), left.getAndAdd(-o.batch()));
                        if (take <= 0) {
                            return;
                        }
                        byte[][] batch = new byte[(int) take][];
                        for (int i = 0; i < batch.length; i++) {
                            batch[i] = WireEvents.structured(events.nextId(), keyed ? "k" + random.nextInt(KEYS) : null, 0);
                        }
                        system.publishBatch(topic, batch);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing the stock failed: " + failure.get(), failure.get());
        }
    }

    // ---- 4. SSE fan-out

    static Map<Metric, Double> sse(ServerSystem system, String topic, ServerBench.Options o) throws Exception {
        system.createTopic(topic, o.partitions());
        List<AutoCloseable> followers = new ArrayList<>();
        try {
            long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(1) + o.sseSubscribers() * TimeUnit.MILLISECONDS.toNanos(20);
            long recordFrom = start + o.warmupNanos();
            long end = recordFrom + o.measureNanos();
            List<Arrivals> arrivals = new ArrayList<>();
            for (int i = 0; i < o.sseSubscribers(); i++) {
                Arrivals a = new Arrivals(recordFrom, end);
                arrivals.add(a);
                followers.add(system.follow(topic, a::arrived));
            }
            if (System.nanoTime() > start) {
                throw new IllegalStateException(o.sseSubscribers() + " followers took longer than planned to connect");
            }
            WireEvents events = new WireEvents(topic);
            AtomicLong dueInWindow = new AtomicLong();
            pace(o.sseRate(), start, end, due -> {
                system.publishOne(topic, events.nextId(), null, due);
                if (due >= recordFrom) {
                    dueInWindow.incrementAndGet();
                }
            });
            long expected = dueInWindow.get() * o.sseSubscribers();
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (arrivals.stream().mapToLong(Arrivals::recorded).sum() < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            closeAll(followers);
            Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
            long delivered = 0;
            long recorded = 0;
            for (Arrivals a : arrivals) {
                synchronized (a) {
                    all.add(a.latency);
                    delivered += a.inWindow;
                    recorded += a.recorded;
                }
            }
            long missing = expected - recorded;
            if (missing > 0) {
                // not arrived within the drain: charged as having arrived at its end
                all.recordValueWithCount(Math.min(all.getHighestTrackableValue(), System.nanoTime() - recordFrom), missing);
            }
            return Map.of(DELIVERED, delivered / (o.measureNanos() / 1e9), Metric.P50, millis(all.getValueAtPercentile(50)),
                    Metric.P99, millis(all.getValueAtPercentile(99)));
        } finally {
            closeAll(followers);
            system.deleteTopic(topic);
        }
    }

    /** Closes them side by side (a hundred Kafka consumers closed one after another took half a minute); empties the list. */
    private static void closeAll(List<AutoCloseable> closeables) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> closing = new ArrayList<>();
        for (AutoCloseable c : closeables) {
            closing.add(Thread.ofVirtual().start(() -> {
                try {
                    c.close();
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : closing) {
            t.join();
        }
        closeables.clear();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * What one follower saw: events that arrived inside the measured window (the delivered rate),
     * and the publish-to-arrival time of each event due inside it. Called by one thread; read
     * under its lock after the run.
     */
    private static final class Arrivals {
        private final long from;
        private final long to;
        private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        private long inWindow;
        private volatile long recorded;

        Arrivals(long from, long to) {
            this.from = from;
            this.to = to;
        }

        synchronized void arrived(long due) {
            long now = System.nanoTime();
            if (now >= from && now < to) {
                inWindow++;
            }
            if (due >= from && due < to) {
                latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(0, now - due)));
                recorded++;
            }
        }

        long recorded() {
            return recorded;
        }
    }

    // ---- 5. webhooks

    static double webhook(ServerSystem system, String topic, ServerBench.Options o, WebhookSink sink) throws Exception {
        system.createTopic(topic, o.partitions());
        try {
            publishStock(system, topic, o, o.webhookStock(), true);
            Progress progress = sink.reset();
            try (AutoCloseable push = system.pushTo(topic, "hook", sink.url("/hook/" + topic), o.webhookConcurrency())) {
                return progress.rate(o.warmupNanos(), o.measureNanos(), o.webhookStock(), () -> null);
            }
        } finally {
            system.deleteTopic(topic);
        }
    }

    // ---- small parts

    /** A unit of a worker's loop; {@code worker} is its index. */
    @FunctionalInterface
    interface Step {
        void run(int worker) throws Exception;
    }

    /** Measures while workers run. */
    @FunctionalInterface
    interface Measure {
        double measure(java.util.function.Supplier<Throwable> failed) throws Exception;
    }

    /** Runs {@code threads} platform threads repeating {@code step} while {@code measure} runs; stops them after. */
    static double withWorkers(int threads, Step step, Measure measure) throws Exception {
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            workers.add(Thread.ofPlatform().name("worker-" + t).start(() -> {
                try {
                    while (running.get()) {
                        step.run(worker);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        try {
            return measure.measure(failure::get);
        } finally {
            running.set(false);
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(90));
            }
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
