package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.error.HeraldException;
import io.herald.event.Event;
import io.herald.event.MalformedEventException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", aliases = "pub",
        description = {"Publish one event (the argument) or one per line of stdin, and print each position as "
                + "PARTITION@OFFSET.",
                "An input that is a CloudEvents JSON event (a JSON object with \"specversion\") is published as it is; "
                        + "any other JSON becomes the data of a new event. Other data needs --content-type and is published "
                        + "byte for byte; without it, input that is not JSON is refused.",
                "Lines of stdin are all checked before any is published: the first bad line is named and nothing is "
                        + "published (--stream publishes each line as it comes, for input that never ends).",
                "With --delay or --at the events are kept in the data directory and enter the topic at that time "
                        + "(no subscription or reader sees them before): while a process has the directory open, "
                        + "else when the next command opens it."},
        footer = {"", "Examples:",
                "  herald publish orders '{\"total\": 42}' --key customer-7",
                "  herald publish orders \"$(cat order-placed.cloudevent.json)\"",
                "  cat events.jsonl | herald publish orders --quiet",
                "  tail -f app.log | herald publish logs --content-type text/plain --stream",
                "  herald publish reminders '{\"order\": 7}' --delay 30m"})
final class PublishCommand extends BrokerCommand {

    /** Lines from stdin are published this many at a time: one batch per partition per call. */
    static final int BATCH_SIZE = 500;

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Parameters(index = "1", arity = "0..1", paramLabel = "EVENT_OR_DATA",
            description = "A CloudEvents JSON event or plain data; without it, each non-blank line of stdin is one.")
    String input;

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", defaultValue = "herald.cli", description = "Type of a plain-data event (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-s", "--source"}, paramLabel = "SOURCE", defaultValue = "/herald/cli", description = "Source of a plain-data event (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = {"-k", "--key"}, paramLabel = "KEY", description = "Partition key: events with the same key go to the same partition, in order "
                    + "(set on CloudEvents JSON events too).")
    String key;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Subject of a plain-data event.")
    String subject;

    @Option(names = "--content-type", paramLabel = "TYPE",
            description = "Content type of the data: the input is published byte for byte as data of this type (checked "
                    + "to be JSON if the type is JSON). Without it the input must be JSON or a CloudEvents JSON event.")
    String contentType;

    @Option(names = "--stream", description = "Publish each line of stdin as it comes (for input that never ends, such as "
            + "tail -f) instead of checking all lines first; a bad line then stops after the lines before it were published.")
    boolean stream;

    @Option(names = {"-q", "--quiet"}, description = "Print only how many events were published.")
    boolean quiet;

    @Option(names = "--delay", paramLabel = "DURATION", converter = OptionConverters.ToDuration.class,
            description = "Deliver the events this much later, such as 30s, 5m, 2h or PT90M.")
    Duration delay;

    @Option(names = "--at", paramLabel = "INSTANT", converter = OptionConverters.ToInstant.class,
            description = "Deliver the events at this ISO-8601 time, such as 2026-11-22T10:00:00Z (a past time means now).")
    Instant at;

    @Override
    void validate() {
        if (delay != null && at != null) {
            throw usageError("--delay and --at cannot be used together; choose one");
        }
        if (delay != null && delay.isNegative()) {
            throw usageError("--delay cannot be negative, got " + delay);
        }
    }

    @Override
    int run(Broker broker, PrintWriter out) throws IOException {
        // Before reading stdin, so a typo in the topic is not found only after the user typed the events.
        broker.describeTopic(topic);
        // One time for every event: they are delivered together, in the order given. The embedded
        // broker keeps milliseconds, so the time printed is the time kept.
        Instant deliverAt = at != null ? at : delay != null ? Instant.now().plus(delay).truncatedTo(ChronoUnit.MILLIS) : null;
        BatchPublisher publisher = deliverAt == null
                ? new BatchPublisher(batch -> broker.publish(topic, batch), BATCH_SIZE, positions -> {
                    if (!quiet) {
                        positions.forEach(out::println);
                        out.flush();
                    }
                })
                // positions are known only once the events enter the topic
                : new BatchPublisher(batch -> broker.publishAt(topic, batch, deliverAt).thenApply(done -> List.of()),
                        BATCH_SIZE, positions -> { });
        EventInput events = new EventInput(type, source, key, subject, contentType);
        String done = deliverAt == null ? "published" : "scheduled";
        if (input != null) {
            try {
                publisher.add(events.toEvent(input.getBytes(StandardCharsets.UTF_8)));
            } catch (MalformedEventException e) {
                throw new HeraldException("the EVENT_OR_DATA argument: " + e.getMessage() + "; nothing was " + done, e);
            }
        } else {
            publishLines(events, publisher, done);
        }
        long count = publisher.finish();
        if (deliverAt != null) {
            out.println("scheduled " + Quantity.of(count, "event") + " for " + deliverAt);
        } else if (quiet) {
            out.println("published " + count + " event" + (count == 1 ? "" : "s") + " to '" + topic + "'");
        }
        return 0;
    }

    /**
     * Each non-blank line of stdin is one event. Without {@code --stream} every line is checked
     * first, and the first bad one is named with nothing published; with it each line goes as it
     * comes, and a bad one stops after those before it. {@code done}: published or scheduled.
     */
    private void publishLines(EventInput events, BatchPublisher publisher, String done) throws IOException {
        ByteLines lines = new ByteLines(HeraldCommand.of(spec).stdin());
        List<Event> checked = new ArrayList<>();
        long lineNumber = 0;
        byte[] line;
        while (!stopRequested() && (line = lines.next()) != null) {
            lineNumber++;
            if (ByteLines.isBlank(line)) {
                continue;
            }
            Event event;
            try {
                event = events.toEvent(line);
            } catch (HeraldException e) {
                String outcome = stream ? " (the " + publisher.finish() + " events before it were " + done + ")"
                        : "; nothing was " + done;
                throw new HeraldException("stdin line " + lineNumber + ": " + e.getMessage() + outcome, e);
            }
            if (!stream) {
                checked.add(event);
                continue;
            }
            publisher.add(event);
            // When the writer pauses, what came so far goes now and its positions are printed:
            // `tail -f log | herald publish --stream` must not hold events back waiting for a full batch.
            if (!lines.ready()) {
                publisher.flush();
            }
        }
        checked.forEach(publisher::add);
    }
}
