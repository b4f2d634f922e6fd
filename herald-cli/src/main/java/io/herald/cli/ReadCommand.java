package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.client.RemoteBroker;
import io.herald.error.HeraldException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "read",
        description = {"Print a topic's events, one per line, without a subscription (nothing is committed).",
                "Partitions are read in turn; within a partition, in offset order."},
        footer = {"", "Examples:",
                "  herald read orders --format line",
                "  herald read orders --from 2026-11-22T10:00:00Z --max 10",
                "  herald read orders --from latest --follow"})
final class ReadCommand extends BrokerCommand {

    private static final int POLL_SIZE = 500;
    // Without --follow, an empty poll means the end; events on disk are returned without waiting.
    private static final Duration END_WAIT = Duration.ofMillis(100);
    // With --follow, short enough that Ctrl-C ends the loop well within the shutdown grace.
    private static final Duration FOLLOW_WAIT = Duration.ofMillis(250);

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--from", paramLabel = "POSITION", defaultValue = "earliest",
            converter = OptionConverters.ToStartPosition.class,
            description = "earliest | latest | an ISO-8601 time | an offset (the same in every partition) | "
                    + "PARTITION@OFFSET,... such as 0@12,1@7 (unlisted partitions from their end); default: ${DEFAULT-VALUE}.")
    StartPosition from;

    @Option(names = {"-f", "--follow"}, description = {"Keep waiting for new events until interrupted (Ctrl-C).",
            "Note: a data directory is open in one process at a time; run 'herald server' on it, and this command "
                    + "follows through the server while others publish."})
    boolean follow;

    @Option(names = {"-n", "--max"}, paramLabel = "N", description = "Stop after N events.")
    Long max;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json",
            description = "json (CloudEvents JSON, one event per line) | line (partition@offset appendTime type id data); "
                    + "default: ${DEFAULT-VALUE}.")
    ReadFormat format;

    @Override
    void validate() {
        if (max != null && max < 1) {
            throw usageError("--max must be at least 1, got " + max);
        }
    }

    @Override
    int run(Broker broker, PrintWriter out) {
        long printed = 0;
        // through a server, a follow is a stream the server pushes each event into as it is appended
        try (TopicReader reader = follow && broker instanceof RemoteBroker remote ? remote.follow(topic, from) : broker.reader(topic, from)) {
            while (!stopRequested() && (max == null || printed < max)) {
                int want = (int) Math.min(POLL_SIZE, max == null ? POLL_SIZE : max - printed);
                List<StoredEvent> events = reader.poll(want, follow ? FOLLOW_WAIT : END_WAIT);
                if (events.isEmpty() && !follow) {
                    break;
                }
                for (StoredEvent e : events) {
                    out.println(format.format(e));
                }
                printed += events.size();
                out.flush();
                if (out.checkError()) {
                    break; // the reader of our output went away (`herald read -f | head`)
                }
            }
        } catch (HeraldException e) {
            if (!stopRequested()) {
                throw e;
            }
            // Ctrl-C closed the broker under the poll: an ordinary end of --follow.
        }
        return 0;
    }
}
