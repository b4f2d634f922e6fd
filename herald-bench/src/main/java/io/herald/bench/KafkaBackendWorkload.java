package io.herald.bench;

import io.herald.broker.Ordering;
import io.herald.event.EventBinaryFormat;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Herald's Kafka backend against raw kafka-clients, on the same Kafka broker in the same run: the
 * Herald column of these rows is {@link HeraldKafkaUnderTest} ({@code KafkaBroker}), the Kafka
 * column {@link KafkaUnderTest}. Both move 100-byte events on fresh 8-partition topics.
 *
 * <ul>
 *   <li>publish: {@link PublishLoad} through {@code KafkaBroker.publish} against a raw producer with
 *       the same settings (idempotent, acks=all, linger 5 ms, 256 KiB batches), batches of 1,000
 *       and single events pipelined, one publishing thread;</li>
 *   <li>PARTITION acked: a stock of {@link #events} events drained by 8 consumers that ack each
 *       one ({@link AckedLoad}'s throughput phase): Herald's 8 PARTITION push subscribers against
 *       a consumer group of 8 KafkaConsumers that poll, handle and commit. Issue target: Herald's
 *       overhead at most 15 %. Twice: against raw consumers of {@link EventBinaryFormat} values
 *       (records without headers, decoded to {@code Event}s), and against raw consumers of the very
 *       records Herald writes (CloudEvents binary mode) that the CloudEvents SDK's Kafka
 *       deserializer turns into {@code CloudEvent}s ({@link KafkaUnderTest.RecordFormat#CLOUDEVENTS_SDK}):
 *       the work a raw-Kafka user of CloudEvents does, and so Herald's like-for-like peer;</li>
 *   <li>1-ms handlers: {@link #slowEvents} events whose handler sleeps 1 ms (I/O-like), Herald's
 *       KEY ordering with concurrency {@value #KEY_CONCURRENCY} against raw partition-ordered
 *       consumption (8 KafkaConsumers, one thread per partition, each record in order, commit
 *       after processing) — the Confluent Parallel Consumer's headline case. Issue target: at
 *       least 5×.</li>
 * </ul>
 */
final class KafkaBackendWorkload {

    static final String NAME = "kafka-backend";
    static final int CONSUMERS = AckedLoad.PARTITIONS;
    static final int KEY_CONCURRENCY = 64;
    /** The PARTITION target: Herald's throughput at least this share of raw Kafka's (overhead ≤ 15 %). */
    static final double PARTITION_SHARE = 0.85;

    private KafkaBackendWorkload() {
    }

    /**
     * Events of a PARTITION run: raw Kafka acks a million in about a second here; at 200,000 (a
     * fifth of a second) the run was mostly its start and end, and the ratio swung from 0.2 to 0.35.
     */
    static long events(BenchOptions o) {
        return o.quick() ? 20_000 : 1_000_000;
    }

    /** Events of a 1-ms-handler run: raw partition-ordered consumption (8 × 1,000 ev/s at most) drains them in about 6 s. */
    static long slowEvents(BenchOptions o) {
        return o.quick() ? 2_000 : 50_000;
    }

    static List<BenchCase> cases(BenchOptions o) {
        long events = events(o);
        long slow = slowEvents(o);
        return List.of(
                publish(PublishMode.BATCH),
                publish(PublishMode.SINGLE),
                new KafkaBackendCase(String.format(Locale.ROOT, "PARTITION acked, %d cons, %,d ev, ack-only handler", CONSUMERS, events),
                        Metric.ACKED_PER_SECOND, new Target.ShareOfKafka(PARTITION_SHARE, Metric.ACKED_PER_SECOND),
                        (system, run) -> acked(system, run, Ordering.PARTITION, CONSUMERS, 0, events)),
                new KafkaBackendCase(String.format(Locale.ROOT,
                        "PARTITION acked, %d cons, %,d ev, ack-only handler; Kafka: CloudEvents SDK deserializer", CONSUMERS, events),
                        Metric.ACKED_PER_SECOND, new Target.ShareOfKafka(PARTITION_SHARE, Metric.ACKED_PER_SECOND),
                        (system, run) -> acked(system instanceof KafkaUnderTest kafka ? kafka.withCloudEventsSdk() : system, run,
                                Ordering.PARTITION, CONSUMERS, 0, events)),
                new KafkaBackendCase(String.format(Locale.ROOT,
                        "handler 1 ms, %,d ev: Herald KEY concurrency %d vs Kafka partition-ordered, %d cons", slow, KEY_CONCURRENCY, CONSUMERS),
                        Metric.ACKED_PER_SECOND, new Target.TimesKafka(5, Metric.ACKED_PER_SECOND),
                        (system, run) -> system instanceof HeraldKafkaUnderTest
                                ? acked(system, run, Ordering.KEY, KEY_CONCURRENCY, 1, slow)
                                : acked(system, run, Ordering.PARTITION, CONSUMERS, 1, slow)));
    }

    private static BenchCase publish(PublishMode mode) {
        PublishWorkload.PublishCase publish = new PublishWorkload.PublishCase(NAME, 100, AckedLoad.PARTITIONS, Durability.NEVER, mode, 1, false);
        return new KafkaBackendCase("publish " + publish.label(), Metric.EVENTS_PER_SECOND, null,
                (system, run) -> Map.of(Metric.EVENTS_PER_SECOND, publish.run(system, run).get(Metric.EVENTS_PER_SECOND)));
    }

    private static Map<Metric, Double> acked(BrokerUnderTest system, RunContext run, Ordering ordering, int consumers,
                                             int handlerMillis, long events) throws Exception {
        RunContext stocked = new RunContext(run.options().withAckedStock(events), run.topic(), run.scratch());
        AckedLoad.Result r = AckedLoad.run(system, stocked, ordering, consumers, handlerMillis, 0, 0);
        return Map.of(Metric.ACKED_PER_SECOND, r.ackedPerSecond());
    }

    /**
     * One unrecorded PARTITION run (of half the events) on each system: a fresh Kafka broker JVM
     * (and this one) needs a few runs before its numbers settle.
     */
    static void warmUp(List<BrokerUnderTest> systems, BenchOptions o, Path scratch, PrintStream log) throws Exception {
        int n = 0;
        for (BrokerUnderTest system : systems) {
            long t0 = System.nanoTime();
            Map<Metric, Double> r = acked(system, new RunContext(o, "warmup-kafka-backend-" + (++n), scratch),
                    Ordering.PARTITION, CONSUMERS, 0, events(o) / 2);
            log.printf(Locale.ROOT, "  warm-up  PARTITION, %d cons (not recorded)  %-15s %,.0f ev/s  (%.1f s)%n", CONSUMERS,
                    system.name(), r.get(Metric.ACKED_PER_SECOND), (System.nanoTime() - t0) / 1e9);
        }
    }

    /** What a case measures on one system. */
    @FunctionalInterface
    interface Measurement {
        Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception;
    }

    /** A row of the comparison: one metric, an optional target, run on Herald's Kafka backend and raw Kafka. */
    record KafkaBackendCase(String label, Metric metric, Target target, Measurement measurement) implements BenchCase {

        @Override
        public String workload() {
            return NAME;
        }

        @Override
        public List<Metric> metrics() {
            return List.of(metric);
        }

        @Override
        public Map<Metric, Target> targets() {
            return target == null ? Map.of() : Map.of(metric, target);
        }

        @Override
        public boolean onKafkaBackend() {
            return true;
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            return measurement.run(system, run);
        }
    }
}
