package io.herald.cli;

import io.herald.broker.Durations;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * A subscription as {@code groups describe} shows it: its definition, what it is doing now, then
 * one line per partition's cursor.
 */
final class SubscriptionReport {

    private SubscriptionReport() {
    }

    static void print(SubscriptionInfo info, PrintWriter out) {
        SubscriptionSpec s = info.spec();
        Table properties = Table.properties()
                .row("subscription", info.name())
                .row("topic", info.topic())
                .row("ordering", s.ordering())
                .row("start", s.start())
                .row("filter", s.filter().map(ReadFormat::oneLine).orElse("none"))
                .row("retry", retry(s.retry()))
                .row("dead-letter topic", s.deadLetterTopicFor(info.topic(), info.name()));
        // each ordering hands events out in its own way: show the setting that applies to it
        if (s.ordering() == Ordering.PARTITION) {
            properties.row("session timeout", Durations.format(s.sessionTimeout()));
        } else {
            properties.row("lease", Durations.format(s.leaseDuration()));
        }
        if (s.ordering() == Ordering.KEY) {
            properties.row("after dead letter", s.keyAfterDeadLetter().name().toLowerCase(Locale.ROOT));
        }
        SubscriptionInfo.Stats stats = info.stats();
        properties
                .row("members", info.members().isEmpty() ? "none" : String.join(", ", info.members()))
                .row("lag", info.lag())
                .row("leased", stats.leased())
                .row("retrying", stats.retrying())
                .row("dead-lettered", stats.deadLettered())
                .row("acked/s", String.format(Locale.ROOT, "%.1f", stats.ackedPerSecond()))
                .print(out);
        out.println();
        Table cursors = Table.withHeader("partition", "committed", "end", "lag", "owner");
        for (SubscriptionInfo.PartitionCursor c : info.cursors()) {
            cursors.row(c.partition(), c.committed(), c.end(), c.lag(), c.owner().orElse("-"));
        }
        cursors.print(out);
        for (SubscriptionInfo.PartitionCursor c : info.cursors()) {
            c.damage().ifPresent(damage -> out.println("partition " + c.partition() + " stops at damaged data: " + damage
                    + " (restore the file, or move this cursor past the damage with 'herald groups reset', giving every "
                    + "partition's offset)"));
        }
    }

    /** {@code 5 attempts, backoff 1s x2 up to 1m}, plus the errors that are never retried. */
    static String retry(RetryPolicy retry) {
        if (retry.maxAttempts() == 1) {
            return "1 attempt, no retries";
        }
        String text = retry.maxAttempts() + " attempts, backoff " + Durations.format(retry.initialBackoff()) + " x"
                + BigDecimal.valueOf(retry.multiplier()).stripTrailingZeros().toPlainString() + " up to "
                + Durations.format(retry.maxBackoff());
        return retry.permanentErrors().isEmpty() ? text
                : text + ", never retried: " + String.join(", ", retry.permanentErrors().stream().sorted().toList());
    }
}
