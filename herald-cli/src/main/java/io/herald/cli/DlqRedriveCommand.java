package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.RedriveTarget;
import io.herald.error.HeraldException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "redrive",
        description = {"Send dead letters back: to the subscription alone (each delivered again from attempt 1, "
                + "in key order), or with --to-topic to a topic, for every subscription of it. "
                + "Redriven dead letters leave the queue.",
                "Without --match or --range, every dead letter of the subscription goes."},
        footer = {"", "Examples:",
                "  herald dlq redrive orders billing",
                "  herald dlq redrive orders billing --match '{\"type\": [\"order.placed\"]}'",
                "  herald dlq redrive orders billing --range 0:10-20 --to-topic orders-retry"})
final class DlqRedriveCommand extends DeadLetterCommand {

    @Mixin
    DeadLetterSelection selection;

    @Option(names = "--to-topic", paramLabel = "TOPIC",
            description = "Publish the events to this topic instead of redelivering them to the subscription.")
    String toTopic;

    private DeadLetterSelector selector;

    @Override
    void validate() {
        selector = selection.selector().orElse(DeadLetterSelector.all());
    }

    @Override
    int run(Broker broker, DeadLetterQueue queue, PrintWriter out) {
        RedriveTarget target = RedriveTarget.subscription();
        String destination = "subscription '" + subscription + "'";
        if (toTopic != null) {
            target = RedriveTarget.topic(toTopic);
            // before anything moves: the broker only finds a missing topic once it has dead letters to send
            broker.describeTopic(toTopic);
            if (toTopic.equals(queue.topic())) {
                throw new HeraldException("cannot redrive dead letters into their own dead-letter topic '" + toTopic
                        + "': there they would be neither dead letters nor delivered");
            }
            destination = "topic '" + toTopic + "'";
        }
        long redriven;
        if (interactive()) {
            ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "redriving");
            try {
                redriven = queue.redrive(selector, target, bar);
            } finally {
                bar.finish();
            }
        } else {
            redriven = queue.redrive(selector, target, DeadLetterQueue.Progress.NONE);
        }
        // also after a bar: the same output on a terminal as in a script's log
        out.println("redrove " + Quantity.of(redriven, "dead letter") + " to " + destination);
        return 0;
    }

    /** A person is watching: draw progress. (Null when the standard streams are not a terminal.) */
    private static boolean interactive() {
        return System.console() != null;
    }
}
