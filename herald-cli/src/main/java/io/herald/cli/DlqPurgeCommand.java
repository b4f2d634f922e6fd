package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "purge",
        description = {"Delete dead letters for good. Name them with --match or --range, or purge every one with --all.",
                "Keys held back behind a dead letter (ordering KEY, after dead letter: PARK) go on once it is purged."},
        footer = {"", "Examples:",
                "  herald dlq purge orders billing --range 0:0-99",
                "  herald dlq purge orders billing --all"})
final class DlqPurgeCommand extends DeadLetterCommand {

    @Mixin
    DeadLetterSelection selection;

    @Option(names = "--all", description = "Purge every dead letter of the subscription.")
    boolean all;

    private DeadLetterSelector selector;

    @Override
    void validate() {
        Optional<DeadLetterSelector> chosen = selection.selector();
        if (all && chosen.isPresent()) {
            throw usageError("--all cannot be used with --match or --range; choose one");
        }
        if (!all && chosen.isEmpty()) {
            // an accidental `purge orders billing` must not delete what nobody has looked at
            throw usageError("purge deletes dead letters for good: choose them with --match or --range, "
                    + "or pass --all to purge every one");
        }
        selector = chosen.orElse(DeadLetterSelector.all());
    }

    @Override
    int run(Broker broker, DeadLetterQueue queue, PrintWriter out) {
        long purged = queue.purge(selector);
        out.println("purged " + Quantity.of(purged, "dead letter") + " of " + subscriptionName());
        return 0;
    }
}
