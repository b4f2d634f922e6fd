package io.herald.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publish throughput over the matrix event size x partitions x fsync x mode x threads. The
 * standard matrix pairs partitions with threads (1 partition with 1 thread, 8 with 8); {@code
 * --full-matrix} crosses them too.
 */
final class PublishWorkload {

    static final String NAME = "publish";
    /** The producer's linger.ms the issue fixes for the throughput comparison. */
    static final Duration KAFKA_LINGER = Duration.ofMillis(5);

    private PublishWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        List<BenchCase> cases = new ArrayList<>();
        for (int size : o.sizes()) {
            for (Durability durability : o.durabilities()) {
                for (PublishMode mode : o.modes()) {
                    for (int partitions : o.partitions()) {
                        for (int threads : o.threads()) {
                            if (o.fullMatrix() || o.partitions().size() == 1 || o.threads().size() == 1
                                    || o.partitions().indexOf(partitions) == o.threads().indexOf(threads)) {
                                cases.add(new PublishCase(NAME, size, partitions, durability, mode, threads, false));
                            }
                        }
                    }
                }
            }
        }
        return cases;
    }

    /** One publish configuration; {@code virtualThreads} for the many synchronous publishers. */
    record PublishCase(String workload, int dataBytes, int partitions, Durability durability, PublishMode mode,
                       int threads, boolean virtualThreads) implements BenchCase {

        @Override
        public String label() {
            return dataBytes + " B, " + partitions + " p, " + durability.label() + ", " + mode.label() + ", "
                    + threads + (virtualThreads ? " virtual" : "") + " thr";
        }

        @Override
        public String key() {
            return label(); // the same configuration in two workloads is one measurement
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.EVENTS_PER_SECOND, Metric.MEGABYTES_PER_SECOND);
        }

        @Override
        public Map<Metric, Target> targets() {
            Map<Metric, Target> targets = new LinkedHashMap<>();
            if (dataBytes == 100 && durability != Durability.ALWAYS && mode == PublishMode.BATCH) {
                targets.put(Metric.EVENTS_PER_SECOND, new Target.TimesKafka(3, Metric.EVENTS_PER_SECOND));
            }
            if (dataBytes == 100 && durability == Durability.ALWAYS && mode == PublishMode.SYNC && threads >= 64) {
                targets.put(Metric.EVENTS_PER_SECOND, new Target.AtLeast(100_000, "ev/s"));
            }
            if (dataBytes == 100 && durability == Durability.ALWAYS && mode == PublishMode.SINGLE) {
                targets.put(Metric.EVENTS_PER_SECOND, new Target.AtLeast(500_000, "ev/s"));
            }
            return targets;
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            EventPool pool = new EventPool(dataBytes);
            system.createTopic(run.topic(), partitions, durability);
            try (BrokerUnderTest.TopicPublisher publisher = system.publisher(run.topic(), KAFKA_LINGER)) {
                double rate = PublishLoad.run(publisher, pool, mode, threads, virtualThreads,
                        run.options().warmup(), run.options().measure());
                return Map.of(Metric.EVENTS_PER_SECOND, rate,
                        Metric.MEGABYTES_PER_SECOND, rate * pool.encodedBytes() / 1e6);
            } finally {
                system.deleteTopic(run.topic());
            }
        }
    }
}
