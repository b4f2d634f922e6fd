package io.herald.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The driver's output: one row per case and metric, with the median of each system's runs, the
 * ratio in Herald's favour (Herald ÷ Kafka for rates, Kafka ÷ Herald for times: above 1 means
 * Herald is better), and the target if the row has one. Rendered as Markdown.
 */
final class ResultTable {

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> checks = new ArrayList<>();

    /**
     * @param heraldRuns the values of each Herald run, in order
     * @param kafkaRuns  the values of each Kafka run; empty when Kafka did not run this case
     * @param failure    why the case could not be measured, or null
     */
    record Row(String workload, String label, Metric metric, List<Double> heraldRuns, List<Double> kafkaRuns,
               Optional<Target> target, String failure) {

        OptionalDouble herald() {
            return median(heraldRuns);
        }

        OptionalDouble kafka() {
            return median(kafkaRuns);
        }

        OptionalDouble advantage() {
            return herald().isPresent() && kafka().isPresent()
                    ? OptionalDouble.of(metric.advantage(herald().getAsDouble(), kafka().getAsDouble()))
                    : OptionalDouble.empty();
        }

        /** The target's verdict on the medians; empty when there is no target or no number to judge. */
        Optional<Boolean> met() {
            if (target.isEmpty() || herald().isEmpty()) {
                return Optional.empty();
            }
            return target.get().met(herald().getAsDouble(), kafka());
        }
    }

    void add(Row row) {
        rows.add(row);
    }

    /** A line printed above the table (the machine's state, say). */
    void addNote(String note) {
        notes.add(note);
    }

    /** A line printed below the table: a check that compares rows (a target no single row can judge). */
    void addCheck(String check) {
        checks.add(check);
    }

    List<String> checks() {
        return List.copyOf(checks);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    static OptionalDouble median(List<Double> values) {
        if (values.isEmpty()) {
            return OptionalDouble.empty();
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return OptionalDouble.of(n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
    }

    String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        for (String note : notes) {
            sb.append("- ").append(note).append('\n');
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
        }
        sb.append("| workload | case | metric | Herald | Kafka | Herald advantage | target | met |\n");
        sb.append("|---|---|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            String herald = r.failure() != null ? "failed: " + r.failure().replace('|', '/') : format(r.metric(), r.herald());
            String kafka = format(r.metric(), r.kafka());
            String advantage = r.advantage().isPresent() ? String.format(Locale.ROOT, "%.2f×", r.advantage().getAsDouble()) : "–";
            String met = r.met().map(m -> m ? "yes" : "**no**").orElse(r.target().isPresent() ? "?" : "");
            sb.append("| ").append(r.workload())
                    .append(" | ").append(r.label())
                    .append(" | ").append(r.metric().title())
                    .append(" | ").append(herald)
                    .append(" | ").append(kafka)
                    .append(" | ").append(advantage)
                    .append(" | ").append(r.target().map(Target::describe).orElse(""))
                    .append(" | ").append(met)
                    .append(" |\n");
        }
        if (!checks.isEmpty()) {
            sb.append('\n');
            for (String check : checks) {
                sb.append("- ").append(check).append('\n');
            }
        }
        return sb.toString();
    }

    private static String format(Metric metric, OptionalDouble value) {
        return value.isPresent() ? metric.format(value.getAsDouble()) : "–";
    }
}
