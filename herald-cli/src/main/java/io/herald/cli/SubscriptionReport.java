package io.herald.cli;

import io.herald.broker.SubscriptionInfo;
import java.io.PrintWriter;

/** A subscription as {@code groups describe} shows it: settings, then one line per partition's cursor. */
final class SubscriptionReport {

    private SubscriptionReport() {
    }

    static void print(SubscriptionInfo info, PrintWriter out) {
        Table.properties()
                .row("subscription", info.name())
                .row("topic", info.topic())
                .row("ordering", info.spec().ordering())
                .row("start", info.spec().start())
                .row("members", info.members().isEmpty() ? "none" : String.join(", ", info.members()))
                .row("lag", info.lag())
                .print(out);
        out.println();
        Table cursors = Table.withHeader("partition", "committed", "end", "lag", "owner");
        for (SubscriptionInfo.PartitionCursor c : info.cursors()) {
            cursors.row(c.partition(), c.committed(), c.end(), c.lag(), c.owner().orElse("-"));
        }
        cursors.print(out);
    }
}
