package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe",
        description = "Show a topic's settings, its subscriptions and each partition's offsets and size.")
final class TopicsDescribeCommand extends BrokerCommand {

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(Broker broker, PrintWriter out) {
        TopicInfo topic = broker.describeTopic(name);
        TopicSpec s = topic.spec();
        List<String> subscriptions = broker.listSubscriptions(name).stream().map(SubscriptionInfo::name).sorted().toList();
        Table.properties()
                .row("topic", topic.name())
                .row("partitions", s.partitions())
                .row("fsync", TopicSpecText.fsync(s))
                .row("retention", TopicSpecText.retention(s))
                .row("segment size", ByteSize.format(s.segmentBytes()))
                .row("events", topic.eventCount())
                .row("size", ByteSize.format(topic.sizeBytes()))
                .row("subscriptions", subscriptions.isEmpty() ? "none" : String.join(", ", subscriptions))
                .print(out);
        out.println();
        Table partitions = Table.withHeader("partition", "start", "end", "events", "size");
        for (TopicInfo.PartitionInfo p : topic.partitions()) {
            partitions.row(p.partition(), p.startOffset(), p.endOffset(), p.endOffset() - p.startOffset(),
                    ByteSize.format(p.sizeBytes()));
        }
        partitions.print(out);
        return 0;
    }
}
