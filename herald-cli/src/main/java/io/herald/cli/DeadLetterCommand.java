package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetterQueue;
import java.io.PrintWriter;
import picocli.CommandLine.Parameters;

/** A command on the dead letters of one subscription: {@code herald dlq <command> TOPIC SUBSCRIPTION ...}. */
abstract class DeadLetterCommand extends BrokerCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic the events were published to.")
    String topic;

    @Parameters(index = "1", paramLabel = "SUBSCRIPTION", description = "The subscription that gave up on them.")
    String subscription;

    @Override
    final int run(Broker broker, PrintWriter out) {
        return run(broker, broker.deadLetters(topic, subscription), out);
    }

    abstract int run(Broker broker, DeadLetterQueue queue, PrintWriter out);

    /** {@code subscription 'billing' on topic 'orders'}, for messages. */
    String subscriptionName() {
        return "subscription '" + subscription + "' on topic '" + topic + "'";
    }

    /** A note on stderr, so that a script reading stdout sees only the data. */
    void note(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(message);
        err.flush();
    }
}
