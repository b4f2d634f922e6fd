package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.SubscriptionInfo;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "list", aliases = "ls", description = "List a topic's subscriptions.")
final class GroupsListCommand extends BrokerCommand {

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Override
    int run(Broker broker, PrintWriter out) {
        List<SubscriptionInfo> subscriptions = broker.listSubscriptions(topic).stream()
                .sorted(Comparator.comparing(SubscriptionInfo::name)).toList();
        if (subscriptions.isEmpty()) {
            spec.commandLine().getErr().println("no subscriptions on topic '" + topic + "'");
            spec.commandLine().getErr().flush();
            return 0;
        }
        Table table = Table.withHeader("name", "ordering", "members", "lag", "dead-lettered");
        for (SubscriptionInfo s : subscriptions) {
            table.row(s.name(), s.spec().ordering(), s.members().size(), s.lag(), s.stats().deadLettered());
        }
        table.print(out);
        return 0;
    }
}
