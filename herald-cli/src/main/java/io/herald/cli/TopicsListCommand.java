package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.TopicInfo;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "list", aliases = "ls", description = "List the topics.")
final class TopicsListCommand extends BrokerCommand {

    @Override
    int run(Broker broker, PrintWriter out) {
        List<TopicInfo> topics = broker.listTopics().stream().sorted(Comparator.comparing(TopicInfo::name)).toList();
        if (topics.isEmpty()) {
            // On stderr, so that a script reading the table sees an empty one.
            spec.commandLine().getErr().println("no topics in " + HeraldCommand.of(spec).describeBackend(spec.commandLine()));
            spec.commandLine().getErr().flush();
            return 0;
        }
        Table table = Table.withHeader("name", "partitions", "events", "size", "fsync", "retention");
        for (TopicInfo t : topics) {
            table.row(t.name(), t.spec().partitions(), t.eventCount(), ByteSize.format(t.sizeBytes()),
                    TopicSpecText.fsync(t.spec()), TopicSpecText.retention(t.spec()));
        }
        table.print(out);
        return 0;
    }
}
