package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", aliases = "ls",
        description = "Print a subscription's dead letters, one per line, in position order.",
        footer = {"", "Examples:",
                "  herald dlq list orders billing",
                "  herald dlq list orders billing --match '{\"type\": [\"order.placed\"]}'",
                "  herald dlq list orders billing --format json | jq .event.data",
                "  herald dlq list orders billing --range 0:100-199"})
final class DlqListCommand extends DeadLetterCommand {

    static final int DEFAULT_LIMIT = 100;

    @Mixin
    DeadLetterSelection selection;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "Print at most N (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "line",
            description = {"line: POSITION ORIGINAL-POSITION ATTEMPTS LAST-FAILURE TYPE ID REASON (the default);",
                    "json: a JSON object per line with every field, the event as CloudEvents JSON."})
    DlqFormat format;

    private DeadLetterSelector selector;

    @Override
    void validate() {
        if (limit < 1) {
            throw usageError("--limit must be at least 1, got " + limit);
        }
        selector = selection.selector().orElse(DeadLetterSelector.all());
    }

    @Override
    int run(Broker broker, DeadLetterQueue queue, PrintWriter out) {
        List<DeadLetter> deadLetters = queue.list(selector, limit);
        if (deadLetters.isEmpty()) {
            note((selector instanceof DeadLetterSelector.All ? "no dead letters" : "no dead letters selected")
                    + " for " + subscriptionName());
            return 0;
        }
        for (DeadLetter d : deadLetters) {
            out.println(format.format(d));
        }
        out.flush();
        if (deadLetters.size() == limit) {
            long total = queue.count(selector);
            if (total > limit) {
                note("printed the first " + Quantity.number(limit) + " of " + Quantity.of(total, "dead letter")
                        + "; raise --limit to see more");
            }
        }
        return 0;
    }
}
