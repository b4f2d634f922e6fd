package io.herald.bench;

import io.herald.broker.Ordering;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Acknowledged delivery per ordering: acked throughput (a stock of events published beforehand,
 * then drained by N consumers that ack each event) and publish-to-ack latency at a moderate fixed
 * rate, for ordering
 * PARTITION, KEY and NONE with 1, 8 and 64 consumers, with a handler that only acks and with a
 * 1-ms (sleeping, I/O-like) handler; 8 partitions, 10,000 partition keys. See {@link AckedLoad}.
 *
 * <p>Herald: PARTITION = N push subscribers of one subscription (each owns some of the 8
 * partitions; beyond 8, the rest stand by, as in a Kafka group); KEY and NONE = one push
 * subscriber with {@code concurrency} N, which is what an application does (N virtual threads,
 * one subscriber object). Kafka: PARTITION and KEY = a consumer group of N {@code KafkaConsumer}s,
 * each on its own thread, committing (async) after processing each poll — Kafka has no key-level
 * parallelism, so its KEY peer is its PARTITION peer, measured once per repetition; NONE = a share
 * group of N {@code KafkaShareConsumer}s acknowledging each record (ACCEPT).
 *
 * <p>Targets (issue): KEY and NONE at least 3× the matching Kafka mode's acked throughput (with
 * the ack-only handler: with a 1-ms handler both sides are bound by the sleeping); KEY's
 * throughput rising with consumers beyond the partition count (checked below the table).
 */
final class AckedWorkload {

    static final String NAME = "acked";
    /** The paced rate of a handler that takes 1 ms or more: half of what one sequential consumer can do. */
    static final int SLOW_HANDLER_RATE = 500;

    private AckedWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        List<BenchCase> cases = new ArrayList<>();
        for (int handlerMillis : o.handlerMillis()) {
            int rate = handlerMillis == 0 ? o.ackedRate() : Math.min(o.ackedRate(), SLOW_HANDLER_RATE / handlerMillis);
            for (Ordering ordering : o.orderings()) {
                for (int consumers : o.consumers()) {
                    cases.add(new AckedCase(ordering, consumers, handlerMillis, Math.max(1, rate)));
                }
            }
        }
        return cases;
    }

    record AckedCase(Ordering ordering, int consumers, int handlerMillis, int rate) implements BenchCase {

        @Override
        public String workload() {
            return NAME;
        }

        @Override
        public String label() {
            return String.format(Locale.ROOT, "%s, %d cons, handler %d ms, latency at %,d ev/s",
                    ordering, consumers, handlerMillis, rate);
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.ACKED_PER_SECOND, Metric.ACK_P50, Metric.ACK_P99);
        }

        @Override
        public Map<Metric, Target> targets() {
            if (ordering != Ordering.PARTITION && handlerMillis == 0) {
                return Map.of(Metric.ACKED_PER_SECOND, new Target.TimesKafka(3, Metric.ACKED_PER_SECOND));
            }
            return Map.of();
        }

        /** Kafka's KEY peer is the very same consumer group as its PARTITION peer: one run serves both. */
        @Override
        public Optional<String> sharedRun(BrokerUnderTest system) {
            if (system instanceof HeraldUnderTest || ordering == Ordering.NONE) {
                return Optional.empty();
            }
            return Optional.of(String.format(Locale.ROOT, "kafka consumer group: %d cons, handler %d ms, rate %d",
                    consumers, handlerMillis, rate));
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            AckedLoad.Result r = AckedLoad.run(system, run, ordering, consumers, handlerMillis, 0, rate);
            return Map.of(Metric.ACKED_PER_SECOND, r.ackedPerSecond(), Metric.ACK_P50, r.p50Millis(), Metric.ACK_P99, r.p99Millis());
        }
    }

    /**
     * Runs PARTITION and NONE with 8 consumers once against the system, unrecorded: a fresh Kafka
     * broker JVM (and this one) needs a few such runs before its numbers settle (its first runs
     * here were 2-3× slower than its later ones).
     */
    static void warmUp(BrokerUnderTest system, BenchOptions o, java.nio.file.Path scratch, java.io.PrintStream log) throws Exception {
        BenchOptions short_ = BenchOptions.parse("--warmup", "500ms", "--duration", "1s", "--acked-stock", "300000");
        int n = 0;
        for (Ordering ordering : List.of(Ordering.PARTITION, Ordering.NONE)) {
            long t0 = System.nanoTime();
            AckedLoad.Result r = AckedLoad.run(system, new RunContext(short_, "warmup-" + ordering.name().toLowerCase(Locale.ROOT)
                    + "-" + (++n), scratch), ordering, 8, 0, 0, o.ackedRate());
            log.printf(Locale.ROOT, "  warm-up  %s, 8 cons (not recorded)  %-6s %,.0f ev/s  (%.1f s)%n", ordering, system.name(),
                    r.ackedPerSecond(), (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * The check no single row can make: KEY's throughput with more consumers than partitions
     * against its throughput with as many as there are partitions, per handler.
     */
    static List<String> checks(ResultTable table) {
        List<String> lines = new ArrayList<>();
        List<ResultTable.Row> keyRows = table.rows().stream()
                .filter(r -> r.workload().equals(NAME) && r.metric().equals(Metric.ACKED_PER_SECOND) && r.label().startsWith("KEY,"))
                .toList();
        for (ResultTable.Row beyond : keyRows) {
            int consumers = consumersOf(beyond.label());
            if (consumers <= AckedLoad.PARTITIONS) {
                continue;
            }
            String atPartitions = beyond.label().replaceFirst("KEY, \\d+ cons", "KEY, " + AckedLoad.PARTITIONS + " cons");
            keyRows.stream().filter(r -> r.label().equals(atPartitions)).findFirst().ifPresent(at -> {
                OptionalDouble hi = beyond.herald();
                OptionalDouble lo = at.herald();
                if (hi.isPresent() && lo.isPresent()) {
                    double ratio = hi.getAsDouble() / lo.getAsDouble();
                    lines.add(String.format(Locale.ROOT,
                            "KEY throughput beyond the partition count (%s): %d consumers %,.0f ev/s vs %d consumers %,.0f ev/s = %.2f× — target > 1×: %s",
                            beyond.label().substring(beyond.label().indexOf("handler")), consumers, hi.getAsDouble(),
                            AckedLoad.PARTITIONS, lo.getAsDouble(), ratio, ratio > 1 ? "met" : "**missed**"));
                }
            });
        }
        return lines;
    }

    private static int consumersOf(String label) {
        String s = label.substring(label.indexOf(", ") + 2);
        return Integer.parseInt(s.substring(0, s.indexOf(' ')));
    }
}
