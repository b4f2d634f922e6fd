package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "reset",
        description = {"Move a subscription's cursor in every partition: back to replay, ahead to skip.",
                "The subscription must have no running consumers."})
final class GroupsResetCommand extends BrokerCommand {

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Parameters(index = "1", paramLabel = "GROUP")
    String group;

    @Option(names = "--to", required = true, paramLabel = "POSITION", converter = OptionConverters.ToStartPosition.class,
            description = "earliest | latest | an ISO-8601 time | an offset (the same in every partition) | "
                    + "PARTITION@OFFSET,... such as 0@12,1@7 (unlisted partitions to their end).")
    StartPosition to;

    @Override
    int run(Broker broker, PrintWriter out) {
        broker.resetSubscription(topic, group, to);
        out.println("reset subscription '" + group + "' on topic '" + topic + "' to " + to);
        out.println();
        SubscriptionReport.print(broker.describeSubscription(topic, group), out);
        return 0;
    }
}
