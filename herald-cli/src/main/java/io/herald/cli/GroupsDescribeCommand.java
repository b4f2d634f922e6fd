package io.herald.cli;

import io.herald.broker.Broker;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe",
        description = "Show a subscription's members and, per partition, its committed cursor, the end, the lag and the owner.")
final class GroupsDescribeCommand extends BrokerCommand {

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Parameters(index = "1", paramLabel = "GROUP")
    String group;

    @Override
    int run(Broker broker, PrintWriter out) {
        SubscriptionReport.print(broker.describeSubscription(topic, group), out);
        return 0;
    }
}
