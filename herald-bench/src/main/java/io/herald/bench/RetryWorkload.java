package io.herald.bench;

import io.herald.broker.Ordering;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The cost of a retry: acked throughput (the {@link AckedLoad} throughput phase — a stock drained
 * — with no latency phase) with 8 consumers and an ack-only handler when {@code --failure-percent} (10 %) of the
 * events fail their first delivery — a nack, then success on the second — against 0 %, per
 * ordering. Herald's retry policy has zero backoff here (a nack is delivered again at once), so
 * the rows measure the mechanism, not a configured wait.
 *
 * <p>Kafka peers: NONE = a share group whose consumers acknowledge a failing record with RELEASE
 * (Kafka redelivers it with delivery count 2, at once: share groups have no broker backoff);
 * PARTITION and KEY = a consumer group whose consumer, on a failure, seeks its partition back to
 * the failed record and drops the rest of that partition's batch (the next poll fetches from
 * there: Kafka's way to retry in order), committing only what succeeded.
 */
final class RetryWorkload {

    static final String NAME = "retry";
    static final int CONSUMERS = 8;

    private RetryWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        Set<Integer> percents = new LinkedHashSet<>();
        if (!o.quick()) {
            percents.add(0);
        }
        percents.add(o.failurePercent());
        List<BenchCase> cases = new ArrayList<>();
        for (Ordering ordering : o.orderings()) {
            for (int percent : percents) {
                cases.add(new RetryCase(ordering, percent));
            }
        }
        return cases;
    }

    record RetryCase(Ordering ordering, int failurePercent) implements BenchCase {

        @Override
        public String workload() {
            return NAME;
        }

        @Override
        public String label() {
            return String.format(Locale.ROOT, "%s, %d cons, %d %% fail once", ordering, CONSUMERS, failurePercent);
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.ACKED_PER_SECOND);
        }

        @Override
        public Map<Metric, Target> targets() {
            return Map.of();
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            AckedLoad.Result r = AckedLoad.run(system, run, ordering, CONSUMERS, 0, failurePercent, 0);
            if (failurePercent > 0 && r.nacks() == 0) {
                throw new IllegalStateException("no delivery failed: the failure injection did not work");
            }
            return Map.of(Metric.ACKED_PER_SECOND, r.ackedPerSecond());
        }
    }

    /** Per ordering and system: throughput with failures ÷ throughput without. */
    static List<String> checks(ResultTable table) {
        List<String> lines = new ArrayList<>();
        List<ResultTable.Row> rows = table.rows().stream().filter(r -> r.workload().equals(NAME)).toList();
        for (ResultTable.Row failing : rows) {
            if (failing.label().endsWith(" 0 % fail once")) {
                continue;
            }
            String clean = failing.label().replaceFirst(", \\d+ % fail once", ", 0 % fail once");
            rows.stream().filter(r -> r.label().equals(clean)).findFirst().ifPresent(base -> lines.add(String.format(Locale.ROOT,
                    "cost of a retry, %s: Herald keeps %s of its 0-%% throughput, Kafka %s",
                    failing.label(), share(failing.herald(), base.herald()), share(failing.kafka(), base.kafka()))));
        }
        return lines;
    }

    private static String share(OptionalDouble with, OptionalDouble without) {
        return with.isPresent() && without.isPresent()
                ? String.format(Locale.ROOT, "%.0f %%", 100 * with.getAsDouble() / without.getAsDouble())
                : "–";
    }
}
