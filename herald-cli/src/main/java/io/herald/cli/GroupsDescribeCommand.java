package io.herald.cli;

import io.herald.broker.Broker;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe",
        description = {"Show a subscription's definition (ordering, filter, retry policy, dead-letter topic, lease or session timeout), "
                + "what it is doing (members, lag, leased, retrying, dead-lettered, acked/s) and, per partition, "
                + "its committed cursor, the end, the lag and the owner.",
                "Leased, retrying and acked/s describe consumers running in the process that has the data directory open: "
                        + "run from the CLI, with none running, they are 0."})
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
