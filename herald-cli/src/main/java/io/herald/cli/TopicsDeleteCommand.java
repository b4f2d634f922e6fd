package io.herald.cli;

import io.herald.broker.Broker;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete",
        description = "Delete a topic with its events and its subscriptions.")
final class TopicsDeleteCommand extends BrokerCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(Broker broker, PrintWriter out) {
        broker.deleteTopic(name);
        out.println("deleted topic '" + name + "'");
        return 0;
    }
}
