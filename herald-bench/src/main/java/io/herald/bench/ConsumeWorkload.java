package io.herald.bench;

import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Consume throughput: a topic is filled with N events of 100 bytes (not measured), then read back
 * by a new subscription from the earliest event, through a pull consumer (poll, ack each) or a
 * push consumer (a handler per event). Kafka's peer of both is a {@code KafkaConsumer} in a new
 * group polling in a loop. The clock runs from the first event received to the N-th, so a
 * consumer group's join time is not counted as reading time.
 */
final class ConsumeWorkload {

    static final String NAME = "consume";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    enum Via { PULL, PUSH }

    private ConsumeWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        List<BenchCase> cases = new ArrayList<>();
        for (int partitions : List.of(1, 8)) {
            for (Via via : Via.values()) {
                cases.add(new ConsumeCase(partitions, via));
            }
        }
        return cases;
    }

    record ConsumeCase(int partitions, Via via) implements BenchCase {

        static final int DATA_BYTES = 100;

        @Override
        public String workload() {
            return NAME;
        }

        @Override
        public String label() {
            return DATA_BYTES + " B, " + partitions + " p, " + via.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.EVENTS_PER_SECOND, Metric.MEGABYTES_PER_SECOND);
        }

        @Override
        public Map<Metric, Target> targets() {
            return Map.of();
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            long n = run.options().consumeEvents();
            EventPool pool = new EventPool(DATA_BYTES);
            system.createTopic(run.topic(), partitions, Durability.NEVER);
            try {
                fill(system, run.topic(), pool, n);
                Counter counter = new Counter(n);
                String subscription = "consume-" + run.topic();
                if (via == Via.PULL) {
                    try (BrokerUnderTest.PullConsumer consumer = system.pull(run.topic(), subscription)) {
                        long deadline = System.nanoTime() + TIMEOUT.toNanos();
                        while (!counter.done() && System.nanoTime() < deadline) {
                            consumer.poll(counter);
                        }
                    }
                } else {
                    try (AutoCloseable consumer = system.push(run.topic(), subscription, counter)) {
                        counter.await(TIMEOUT);
                    }
                }
                if (!counter.done()) {
                    throw new IllegalStateException("read " + counter.count + " of " + n + " events within " + TIMEOUT.toSeconds() + " s");
                }
                double rate = (n - 1) * 1e9 / (counter.lastNanos - counter.firstNanos);
                return Map.of(Metric.EVENTS_PER_SECOND, rate, Metric.MEGABYTES_PER_SECOND, rate * pool.encodedBytes() / 1e6);
            } finally {
                system.deleteTopic(run.topic());
            }
        }

        /** Publishes n events in batches, a few batches in flight. */
        private static void fill(BrokerUnderTest system, String topic, EventPool pool, long n) throws Exception {
            try (BrokerUnderTest.TopicPublisher publisher = system.publisher(topic, PublishWorkload.KAFKA_LINGER)) {
                List<CompletableFuture<?>> inFlight = new ArrayList<>();
                long published = 0;
                for (long i = 0; published < n; i++) {
                    List<Event> batch = pool.batch(i);
                    if (n - published < batch.size()) {
                        batch = batch.subList(0, (int) (n - published));
                    }
                    inFlight.add(publisher.publish(batch));
                    published += batch.size();
                    if (inFlight.size() >= PublishLoad.BATCH_WINDOW) {
                        inFlight.removeFirst().join();
                    }
                }
                inFlight.forEach(CompletableFuture::join);
            }
        }
    }

    /** Counts events as one consumer thread receives them, noting when the first and the n-th came. */
    private static final class Counter implements BrokerUnderTest.EventSink {
        private final long target;
        private final CountDownLatch finished = new CountDownLatch(1);
        private long count;
        private long firstNanos;
        private volatile long lastNanos;

        Counter(long target) {
            this.target = target;
        }

        @Override
        public void accept(Event event) {
            if (count == 0) {
                firstNanos = System.nanoTime();
            }
            if (++count == target) {
                lastNanos = System.nanoTime();
                finished.countDown();
            }
        }

        boolean done() {
            return finished.getCount() == 0;
        }

        void await(Duration timeout) throws InterruptedException {
            finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
