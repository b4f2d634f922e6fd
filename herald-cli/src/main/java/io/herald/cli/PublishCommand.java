package io.herald.cli;

import io.herald.HeraldException;
import io.herald.broker.Broker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", aliases = "pub",
        description = {"Publish one event (the argument) or one per line of stdin, and print each position as "
                + "PARTITION@OFFSET.",
                "An input that is a CloudEvents JSON event (a JSON object with \"specversion\") is published as it is; "
                        + "anything else becomes the data of a new event."},
        footer = {"", "Examples:",
                "  herald publish orders '{\"total\": 42}' --key customer-7",
                "  herald publish orders \"$(cat order-placed.cloudevent.json)\"",
                "  cat events.jsonl | herald publish orders --quiet"})
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
            description = "Content type of plain data (default: application/json if it parses as JSON, else text/plain).")
    String contentType;

    @Option(names = {"-q", "--quiet"}, description = "Print only how many events were published.")
    boolean quiet;

    @Override
    int run(Broker broker, PrintWriter out) throws IOException {
        // Before reading stdin, so a typo in the topic is not found only after the user typed the events.
        broker.describeTopic(topic);
        EventInput events = new EventInput(type, source, key, subject, contentType);
        BatchPublisher publisher = new BatchPublisher(broker, topic, BATCH_SIZE, positions -> {
            if (!quiet) {
                positions.forEach(out::println);
                out.flush();
            }
        });
        if (input != null) {
            publisher.add(events.toEvent(input));
        } else {
            publishLines(events, publisher);
        }
        long published = publisher.finish();
        if (quiet) {
            out.println("published " + published + " event" + (published == 1 ? "" : "s") + " to '" + topic + "'");
        }
        return 0;
    }

    private void publishLines(EventInput events, BatchPublisher publisher) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(HeraldCommand.of(spec).stdin(), StandardCharsets.UTF_8));
        long lineNumber = 0;
        String line;
        while (!stopRequested() && (line = lines.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                publisher.add(events.toEvent(line));
            } catch (HeraldException e) {
                long published = publisher.finish();
                throw new HeraldException("stdin line " + lineNumber + ": " + e.getMessage() + " (the " + published
                        + " events before it were published)", e);
            }
            // When the writer pauses, what came so far goes now and its positions are printed:
            // `tail -f log | herald publish` must not hold events back waiting for a full batch.
            if (!lines.ready()) {
                publisher.flush();
            }
        }
    }
}
