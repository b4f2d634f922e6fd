package io.herald.bench;

import java.util.Locale;

/**
 * One number a case reports, with its unit and which way is better; {@link #advantage} turns a
 * Herald and a Kafka value into "how many times better Herald is", so that a ratio above 1
 * always favours Herald, whether the metric is a rate or a time.
 */
record Metric(String name, String unit, boolean higherIsBetter) {

    static final Metric EVENTS_PER_SECOND = new Metric("throughput", "ev/s", true);
    static final Metric MEGABYTES_PER_SECOND = new Metric("throughput", "MB/s", true);
    static final Metric P50 = new Metric("p50", "ms", false);
    static final Metric P99 = new Metric("p99", "ms", false);
    static final Metric P999 = new Metric("p99.9", "ms", false);
    static final Metric ACK_P99 = new Metric("p99 publish-to-ack", "ms", false);
    static final Metric ACKED_PER_SECOND = new Metric("acked throughput", "ev/s", true);
    static final Metric ACK_P50 = new Metric("p50 publish-to-ack", "ms", false);
    static final Metric DEAD_LETTER_PER_SECOND = new Metric("reject to dead letter", "ev/s", true);
    static final Metric REDRIVE_CALL_PER_SECOND = new Metric("redrive call", "ev/s", true);
    static final Metric REDRIVE_PER_SECOND = new Metric("redrive + re-consumption", "ev/s", true);
    static final Metric REOPEN_WARM = new Metric("reopen, page cache warm", "s", false);
    static final Metric REOPEN_COLD = new Metric("reopen, page cache dropped", "s", false);

    double advantage(double herald, double kafka) {
        return higherIsBetter ? herald / kafka : kafka / herald;
    }

    String format(double value) {
        return switch (unit) {
            case "ev/s" -> String.format(Locale.ROOT, "%,.0f", value);
            case "MB/s" -> String.format(Locale.ROOT, "%,.1f", value);
            default -> String.format(Locale.ROOT, "%.3f", value);
        };
    }

    String title() {
        return name + " (" + unit + ")";
    }
}
