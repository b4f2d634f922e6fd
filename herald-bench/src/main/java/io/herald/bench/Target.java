package io.herald.bench;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** A goal from the issue that a result row is checked against; the check is reported, never asserted. */
sealed interface Target {

    /** Whether the medians meet the goal; empty when it needs Kafka's number and there is none. */
    Optional<Boolean> met(double herald, OptionalDouble kafka);

    String describe();

    /** Herald at least {@code value} (a rate). */
    record AtLeast(double value, String unit) implements Target {
        @Override
        public Optional<Boolean> met(double herald, OptionalDouble kafka) {
            return Optional.of(herald >= value);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "≥ %,.0f %s", value, unit);
        }
    }

    /** Herald below {@code value} (a time). */
    record Below(double value, String unit) implements Target {
        @Override
        public Optional<Boolean> met(double herald, OptionalDouble kafka) {
            return Optional.of(herald < value);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "< %s %s", value, unit);
        }
    }

    /**
     * Herald at least {@code share} of Kafka's rate in the same run: an overhead over Kafka of at
     * most {@code 1 - share} (Herald's Kafka backend against the raw clients it is built on).
     */
    record ShareOfKafka(double share, Metric metric) implements Target {
        @Override
        public Optional<Boolean> met(double herald, OptionalDouble kafka) {
            if (kafka.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(metric.advantage(herald, kafka.getAsDouble()) >= share);
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "overhead ≤ %.0f %% of Kafka", (1 - share) * 100);
        }
    }

    /** Herald at least {@code factor} times better than Kafka in the same run (rate × factor, or time ÷ factor). */
    record TimesKafka(double factor, Metric metric) implements Target {
        @Override
        public Optional<Boolean> met(double herald, OptionalDouble kafka) {
            if (kafka.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(metric.advantage(herald, kafka.getAsDouble()) >= factor);
        }

        @Override
        public String describe() {
            return metric.higherIsBetter()
                    ? String.format(Locale.ROOT, "≥ %.0f× Kafka", factor)
                    : String.format(Locale.ROOT, "≤ 1/%.0f of Kafka", factor);
        }
    }
}
