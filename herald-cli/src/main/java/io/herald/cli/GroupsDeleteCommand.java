package io.herald.cli;

import io.herald.broker.Broker;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete",
        description = "Delete a subscription and its cursors; the topic's events stay.")
final class GroupsDeleteCommand extends BrokerCommand {

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Parameters(index = "1", paramLabel = "GROUP")
    String group;

    @Override
    int run(Broker broker, PrintWriter out) {
        broker.deleteSubscription(topic, group);
        out.println("deleted subscription '" + group + "' on topic '" + topic + "'");
        return 0;
    }
}
