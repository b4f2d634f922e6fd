package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.Position;
import io.herald.error.HeraldException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "show",
        description = {"Show everything about one dead letter: where the event was, how often and why it failed, "
                + "and the event itself as CloudEvents JSON."})
final class DlqShowCommand extends DeadLetterCommand {

    @Parameters(index = "2", paramLabel = "POSITION", converter = OptionConverters.ToPosition.class,
            description = "PARTITION@OFFSET in the dead-letter topic, as 'dlq list' prints it.")
    Position position;

    @Override
    int run(Broker broker, DeadLetterQueue queue, PrintWriter out) {
        DeadLetter deadLetter = queue.show(position).orElseThrow(() -> new HeraldException("no dead letter of "
                + subscriptionName() + " at " + position + " (redriven, purged, or never there); "
                + "'herald dlq list " + topic + " " + subscription + "' lists those there are"));
        DeadLetterReport.print(deadLetter, queue.topic(), out);
        return 0;
    }
}
