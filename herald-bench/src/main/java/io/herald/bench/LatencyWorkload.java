package io.herald.bench;

import io.herald.event.Event;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Publish-to-consume latency at a fixed rate: a paced publisher sends 100-byte events, each
 * carrying in its data the {@link System#nanoTime} at which it was <em>due</em>; a push consumer
 * in this JVM (Herald: a push subscription; Kafka: a consumer thread) records now minus that.
 * Measuring from the due time, not the send time, charges a publisher that fell behind to the
 * latency (no coordinated omission). The warm-up's events are received but not recorded.
 *
 * <p>Kafka runs with the issue's {@code linger.ms=5}, which alone delays a record up to 5 ms; the
 * {@code kafka linger 0} case shows Kafka at its lowest latency setting, for reference.
 */
final class LatencyWorkload {

    static final String NAME = "latency";
    private static final int DATA_BYTES = 100;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private LatencyWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        return List.of(
                new LatencyCase(Durability.NEVER, PublishWorkload.KAFKA_LINGER, o.latencyRate()),
                new LatencyCase(Durability.INTERVAL, PublishWorkload.KAFKA_LINGER, o.latencyRate()),
                new LatencyCase(Durability.NEVER, Duration.ZERO, o.latencyRate()));
    }

    record LatencyCase(Durability durability, Duration kafkaLinger, int rate) implements BenchCase {

        @Override
        public String workload() {
            return NAME;
        }

        @Override
        public String label() {
            return String.format(java.util.Locale.ROOT, "%,d ev/s, %d B, 1 p, %s, kafka linger %d ms",
                    rate, DATA_BYTES, durability.label(), kafkaLinger.toMillis());
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.P50, Metric.P99, Metric.P999, Metric.ACK_P99);
        }

        @Override
        public Map<Metric, Target> targets() {
            return kafkaLinger.equals(PublishWorkload.KAFKA_LINGER) ? Map.of(Metric.P99, new Target.TimesKafka(20, Metric.P99)) : Map.of();
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            system.createTopic(run.topic(), 1, durability);
            Histogram histogram = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
            Histogram acks = new SynchronizedHistogram(TimeUnit.SECONDS.toNanos(60), 3);
            AtomicLong received = new AtomicLong();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long recordFrom = start + run.options().warmup().toNanos();
            long end = recordFrom + run.options().measure().toNanos();
            BrokerUnderTest.EventSink sink = event -> {
                long now = System.nanoTime();
                long due = ByteBuffer.wrap(event.data()).getLong();
                if (due >= recordFrom) {
                    histogram.recordValue(Math.max(0, now - due));
                }
                received.incrementAndGet();
            };
            try (AutoCloseable consumer = system.push(run.topic(), "latency-" + run.topic(), sink);
                 BrokerUnderTest.TopicPublisher publisher = system.publisher(run.topic(), kafkaLinger)) {
                long sent = pace(publisher, start, end, recordFrom, acks);
                long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
                while (received.get() < sent && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                if (received.get() < sent) {
                    throw new IllegalStateException("received " + received.get() + " of " + sent + " events");
                }
            } finally {
                system.deleteTopic(run.topic());
            }
            return Map.of(Metric.P50, millis(histogram.getValueAtPercentile(50)),
                    Metric.P99, millis(histogram.getValueAtPercentile(99)),
                    Metric.P999, millis(histogram.getValueAtPercentile(99.9)),
                    Metric.ACK_P99, millis(acks.getValueAtPercentile(99)));
        }

        /**
         * Sends one event every 1/rate s from {@code start} to {@code end}; returns how many. The
         * time from due to acknowledgement goes to {@code acks}: it tells a slow write (both
         * high) from a slow delivery (only publish-to-consume high).
         */
        private long pace(BrokerUnderTest.TopicPublisher publisher, long start, long end, long recordFrom, Histogram acks) {
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            byte[] data = new byte[DATA_BYTES];
            long i = 0;
            for (long due = start; due < end; due = start + ++i * interval) {
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                ByteBuffer.wrap(data).putLong(due);
                Event event = Event.builder().type(EventPool.TYPE).source(EventPool.SOURCE).data(data).build();
                long dueAt = due;
                publisher.publish(event).whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else if (dueAt >= recordFrom) {
                        acks.recordValue(Math.max(0, System.nanoTime() - dueAt));
                    }
                });
                if (failure.get() != null) {
                    throw new IllegalStateException("a publish failed: " + failure.get(), failure.get());
                }
            }
            return i;
        }

        private static double millis(long nanos) {
            return nanos / 1e6;
        }
    }
}
