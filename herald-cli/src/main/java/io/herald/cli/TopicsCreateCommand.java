package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", description = "Create a topic.")
final class TopicsCreateCommand extends BrokerCommand {

    @Parameters(paramLabel = "NAME", description = "1-249 characters of A-Z a-z 0-9 . _ -")
    String name;

    @Option(names = {"-p", "--partitions"}, paramLabel = "N", defaultValue = "1",
            description = "Number of partitions, 1-" + TopicSpec.MAX_PARTITIONS + "; fixed at creation (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--retention", paramLabel = "TIME", converter = OptionConverters.ToDuration.class,
            description = "Delete events older than this, such as 7d, 12h, PT30M (default: keep forever).")
    Duration retention;

    @Option(names = "--retention-bytes", paramLabel = "SIZE", converter = OptionConverters.ToSize.class,
            description = "Trim each partition to about this size, such as 1GiB (default: no limit).")
    Long retentionBytes;

    @Option(names = "--segment-bytes", paramLabel = "SIZE", converter = OptionConverters.ToSize.class,
            description = "Roll to a new segment file at this size (default: 64MiB).")
    Long segmentBytes;

    @Option(names = "--fsync", paramLabel = "POLICY", converter = OptionConverters.ToFsync.class,
            description = "always | interval | interval:200ms | never (default: always).")
    FsyncPolicy fsync;

    @Option(names = "--ephemeral", description = "Keep events in memory only: gone when the process ends.")
    boolean ephemeral;

    private TopicSpec topicSpec;

    @Override
    boolean createsDataDirectory() {
        return true; // the first topic makes the data directory
    }

    @Override
    void validate() {
        try {
            TopicSpec s = TopicSpec.partitions(partitions);
            if (fsync != null) {
                s = s.fsync(fsync);
            }
            if (retention != null) {
                s = s.retention(retention);
            }
            if (retentionBytes != null) {
                s = s.retentionBytes(retentionBytes);
            }
            if (segmentBytes != null) {
                s = s.segmentBytes(segmentBytes);
            }
            topicSpec = ephemeral ? s.asEphemeral() : s;
        } catch (InvalidSpecException e) {
            throw usageError(e.getMessage());
        }
    }

    @Override
    int run(Broker broker, PrintWriter out) {
        TopicInfo topic = broker.createTopic(name, topicSpec);
        TopicSpec s = topic.spec();
        out.println("created topic '" + topic.name() + "': " + s.partitions() + " partition" + (s.partitions() == 1 ? "" : "s")
                + ", fsync " + TopicSpecText.fsync(s) + ", retention " + TopicSpecText.retention(s));
        return 0;
    }
}
