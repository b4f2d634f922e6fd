package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.TopicReader;
import io.herald.event.Event;
import io.herald.http.Json;
import io.herald.http.Positions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Services in other languages take part with the tools they already have. Two small programs in
 * {@code src/test/clients} do the same work against a real server: a Node.js one on the official
 * CloudEvents SDK and {@code fetch}, a Python one on the standard library. Each publishes an order
 * in binary mode and its cancellation in structured mode, subscribes, acks the order, nacks the
 * cancellation with a delay, rejects its second attempt and lists the dead letter. This test runs
 * them as child processes, checks each line they print, then the server's own state through the
 * Broker API: every attribute as the program sent it (each request is on the program's stderr),
 * the subscription caught up, the dead letter with its reason. README.md shows their code word
 * for word.
 *
 * <p>Node.js and npm come from the machine; where they are missing the test installs them with
 * {@code apt-get} and fails, naming what to install, where it cannot. It never skips.
 */
class OtherLanguageClientsTest {

    private static final Path CLIENTS = Path.of("src", "test", "clients");
    private static final Path NODE_WORK = Path.of("target", "clients", "node");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    private static final String SUBSCRIPTION = "billing";
    private static final String REASON = "customer changed their mind";

    private ServerFixture fixture;

    @BeforeEach
    void startServer() throws IOException {
        fixture = ServerFixture.embedded(c -> c);
    }

    @AfterEach
    void stopServer() throws IOException {
        fixture.close();
    }

    @Test
    void aNodeServiceOnTheCloudEventsSdkPublishesConsumesAndDeadLetters() throws Exception {
        Path program = installNodeProgram();

        Run run = run(NODE_WORK, "node", program.getFileName().toString(), serverUrl(), "orders-node");

        assertTookPart("orders-node", run);
    }

    @Test
    void aPythonServiceOnTheStandardLibraryPublishesConsumesAndDeadLetters() throws Exception {
        require("python3", "python3");

        Run run = run(CLIENTS.resolve("python"), "python3", "orders.py", serverUrl(), "orders-python");

        assertTookPart("orders-python", run);
    }

    @Test
    void theReadmeShowsTheCodeTheseProgramsRun() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (ReadmePart part : List.of(new ReadmePart("node/orders.mjs", "// readme:node", "js"),
                new ReadmePart("python/orders.py", "# readme:python", "python"))) {
            String code = part.code();
            assertThat(code.lines().count()).as("the README part of %s stays short", part.file()).isLessThanOrEqualTo(22);
            assertThat(readme).as("README.md shows the README part of %s word for word, in a %s block", part.file(), part.fence())
                    .contains("```" + part.fence() + "\n" + code + "```");
        }
    }

    /** The lines of a program between {@code <marker>:begin} and {@code <marker>:end}, shown in a README code block. */
    private record ReadmePart(String file, String marker, String fence) {

        String code() throws IOException {
            String source = Files.readString(CLIENTS.resolve(file));
            Matcher m = Pattern.compile(Pattern.quote(marker + ":begin") + "\\n(.*?)" + Pattern.quote(marker + ":end"), Pattern.DOTALL)
                    .matcher(source);
            assertThat(m.find()).as("%s marks its README part with %s:begin and %s:end", file, marker, marker).isTrue();
            return m.group(1);
        }
    }

    private String serverUrl() {
        String url = fixture.server().url().toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** What both programs must have done, seen from their output and from the broker. */
    private void assertTookPart(String topic, Run run) throws IOException {
        assertThat(run.exitCode()).as("exit code; %s", run).isZero();
        List<String> out = run.out();
        assertThat(out).as("%s", run).hasSize(9);
        Matcher placedLine = Pattern.compile("published (\\d+@\\d+) order\\.placed").matcher(out.get(0));
        Matcher cancelledLine = Pattern.compile("published (\\d+@\\d+) order\\.cancelled").matcher(out.get(1));
        assertThat(placedLine.matches() && cancelledLine.matches()).as("the publish lines of %s", run).isTrue();
        assertThat(out.subList(2, 9)).as("%s", run).containsExactly(
                "received order.placed attempt 1",
                "acked order.placed",
                "received order.cancelled attempt 1",
                "nacked order.cancelled",
                "received order.cancelled attempt 2",
                "rejected order.cancelled",
                "dead letter order.cancelled: " + REASON);

        List<JsonNode> publishes = run.requests().stream()
                .filter(r -> r.path("method").asText().equals("POST") && r.path("path").asText().equals("/topics/" + topic + "/events"))
                .toList();
        assertThat(publishes).as("the publish requests on stderr; %s", run).hasSize(2);
        Map<Position, Event> stored = storedEvents(topic, 2);
        Event placed = stored.get(Positions.parse(placedLine.group(1)));
        Event cancelled = stored.get(Positions.parse(cancelledLine.group(1)));
        assertThat(placed).as("the event at %s of %s", placedLine.group(1), stored).isNotNull();
        assertThat(cancelled).as("the event at %s of %s", cancelledLine.group(1), stored).isNotNull();
        assertSentInBinaryMode(publishes.get(0), placed);
        assertSentInStructuredMode(publishes.get(1), cancelled);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            SubscriptionInfo info = fixture.server().broker().describeSubscription(topic, SUBSCRIPTION);
            assertThat(info.lag()).as("lag of %s", info).isZero();
            assertThat(info.stats().leased()).as("leased of %s", info).isZero();
            assertThat(info.stats().retrying()).as("retrying of %s", info).isZero();
        });
        List<DeadLetter> letters = fixture.server().broker().deadLetters(topic, SUBSCRIPTION).list(DeadLetterSelector.all(), 10);
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.getFirst();
        assertThat(letter.reason()).isEqualTo(REASON);
        assertThat(letter.attempts()).isEqualTo(2);
        assertThat(letter.event()).as("the dead letter keeps the event unchanged").isEqualTo(cancelled);
        assertThat(Positions.format(letter.originalPosition())).isEqualTo(cancelledLine.group(1));
        assertThat(Duration.between(letter.firstFailure(), letter.lastFailure()))
                .as("the nack's delay of 1s held attempt 2 back").isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    /** Each ce-* header is the attribute it names, Content-Type is datacontenttype, the body is the data: all exactly, nothing added. */
    private static void assertSentInBinaryMode(JsonNode request, Event stored) {
        JsonNode headers = request.path("headers");
        Set<String> sent = new TreeSet<>();
        headers.properties().forEach(h -> {
            String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
            String value = h.getValue().asText();
            if (name.startsWith("ce-")) {
                assertAttribute(stored, name.substring(3), value);
                sent.add(name.substring(3));
            } else if (name.equals("content-type")) {
                assertAttribute(stored, "datacontenttype", value);
                sent.add("datacontenttype");
            }
        });
        assertThat(sent).as("binary mode sends the required attributes as headers").contains("specversion", "id", "source", "type");
        assertThat(attributeNames(stored)).as("the attributes stored from %s", request).isEqualTo(sent);
        assertThat(stored.dataAsString()).as("the data is the body, byte for byte").isEqualTo(request.path("body").asText());
    }

    /**
     * Each member of the JSON document is the attribute it names, {@code data} the same JSON.
     * The one attribute added is {@code datacontenttype: application/json} where the document
     * has none: the JSON event format says data in such a document is {@code application/json}.
     */
    private static void assertSentInStructuredMode(JsonNode request, Event stored) throws IOException {
        assertThat(request.path("headers").path("content-type").asText()).startsWith("application/cloudevents+json");
        JsonNode document = Json.MAPPER.readTree(request.path("body").asText());
        Set<String> sent = new TreeSet<>();
        document.properties().forEach(member -> {
            sent.add(member.getKey());
            if (!member.getKey().equals("data")) {
                assertAttribute(stored, member.getKey(), member.getValue().asText());
            }
        });
        assertThat(Json.MAPPER.readTree(stored.data())).as("data").isEqualTo(document.path("data"));
        sent.remove("data");
        if (!sent.contains("datacontenttype")) {
            assertThat(stored.dataContentType()).contains("application/json");
            sent.add("datacontenttype");
        }
        assertThat(attributeNames(stored)).as("the attributes stored from %s", request).isEqualTo(sent);
    }

    private static void assertAttribute(Event event, String name, String sent) {
        if (name.equals("time")) {
            assertThat(event.time()).as("time").contains(OffsetDateTime.parse(sent).toInstant());
            return;
        }
        Optional<String> stored = switch (name) {
            case "specversion" -> Optional.of(event.specVersion());
            case "id" -> Optional.of(event.id());
            case "source" -> Optional.of(event.source());
            case "type" -> Optional.of(event.type());
            case "subject" -> event.subject();
            case "datacontenttype" -> event.dataContentType();
            case "dataschema" -> event.dataSchema();
            default -> event.extension(name);
        };
        assertThat(stored).as("attribute %s", name).contains(sent);
    }

    private static Set<String> attributeNames(Event event) {
        Set<String> names = new TreeSet<>(List.of("specversion", "id", "source", "type"));
        event.time().ifPresent(t -> names.add("time"));
        event.subject().ifPresent(s -> names.add("subject"));
        event.dataContentType().ifPresent(s -> names.add("datacontenttype"));
        event.dataSchema().ifPresent(s -> names.add("dataschema"));
        names.addAll(event.extensions().keySet());
        return names;
    }

    private Map<Position, Event> storedEvents(String topic, int count) {
        Map<Position, Event> events = new HashMap<>();
        try (TopicReader reader = fixture.server().broker().reader(topic, StartPosition.EARLIEST)) {
            Instant deadline = Instant.now().plusSeconds(10);
            while (events.size() < count && Instant.now().isBefore(deadline)) {
                for (StoredEvent e : reader.poll(count, Duration.ofSeconds(1))) {
                    events.put(e.position(), e.event());
                }
            }
        }
        assertThat(events).as("events of %s", topic).hasSize(count);
        return events;
    }

    /** Copies the Node program beside its own node_modules under target/ and installs the locked packages when they are not there. */
    private static Path installNodeProgram() throws Exception {
        require("node", "nodejs", "npm");
        require("npm", "nodejs", "npm");
        Run version = run(Path.of("."), "node", "--version");
        int major = Integer.parseInt(version.out().getFirst().replaceFirst("^v(\\d+)\\..*", "$1"));
        assertThat(major).as("Node.js 18 or newer (it has fetch); this machine has %s", version.out()).isGreaterThanOrEqualTo(18);

        Files.createDirectories(NODE_WORK);
        Path source = CLIENTS.resolve("node");
        boolean lockChanged = !Files.exists(NODE_WORK.resolve("package-lock.json"))
                || Files.mismatch(source.resolve("package-lock.json"), NODE_WORK.resolve("package-lock.json")) >= 0;
        for (String file : List.of("package.json", "package-lock.json", "orders.mjs")) {
            Files.copy(source.resolve(file), NODE_WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (lockChanged || !Files.isDirectory(NODE_WORK.resolve("node_modules").resolve("cloudevents"))) {
            Run install = run(NODE_WORK, INSTALL_TIMEOUT, "npm", "ci", "--no-audit", "--no-fund");
            assertThat(install.exitCode()).as("npm ci in %s; %s", NODE_WORK.toAbsolutePath(), install).isZero();
        }
        return NODE_WORK.resolve("orders.mjs");
    }

    /** The command, or its Debian packages installed now; a failure that names what to install when neither works. */
    private static void require(String command, String... debianPackages) throws Exception {
        if (onPath(command)) {
            return;
        }
        String install = "apt-get update && apt-get install -y " + String.join(" ", debianPackages);
        Run apt = onPath("apt-get") ? run(Path.of("."), INSTALL_TIMEOUT, "sh", "-c", install) : null;
        if (!onPath(command)) {
            fail("'" + command + "' is not on the PATH, and '" + install + "' did not bring it ("
                    + (apt == null ? "there is no apt-get" : apt.toString()) + "). Install " + String.join(" and ", debianPackages)
                    + " to run " + OtherLanguageClientsTest.class.getSimpleName() + ": it proves that services in other languages take part.");
        }
    }

    private static boolean onPath(String command) throws Exception {
        return run(Path.of("."), "sh", "-c", "command -v " + command).exitCode() == 0;
    }

    private static Run run(Path directory, String... command) throws Exception {
        return run(directory, RUN_TIMEOUT, command);
    }

    /** Runs a child process to its end (or kills it after the timeout); its stdout and stderr go to files, so neither can block it. */
    private static Run run(Path directory, Duration timeout, String... command) throws Exception {
        Path out = Files.createTempFile("client-out", ".txt");
        Path err = Files.createTempFile("client-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Run run = new Run(List.of(command), ended ? process.exitValue() : -1,
                    Files.readAllLines(out, StandardCharsets.UTF_8), Files.readAllLines(err, StandardCharsets.UTF_8));
            if (!ended) {
                fail("still running after " + timeout.toSeconds() + " s, killed; " + run);
            }
            return run;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A child process's end: its exit code and its output, line by line. */
    private record Run(List<String> command, int exitCode, List<String> out, List<String> err) {

        private static final int TAIL_LINES = 40;

        /** The requests the programs print to stderr, one JSON object a line. */
        List<JsonNode> requests() {
            List<JsonNode> requests = new ArrayList<>();
            for (String line : err) {
                if (line.startsWith("{")) {
                    try {
                        requests.add(Json.MAPPER.readTree(line));
                    } catch (IOException e) {
                        throw new AssertionError("a request line that is not JSON: " + line, e);
                    }
                }
            }
            return requests;
        }

        /** The command, its exit code and the last lines of its output (an apt-get's would fill pages). */
        @Override
        public String toString() {
            return String.join(" ", command) + " exited " + exitCode + "\nstdout:\n  " + String.join("\n  ", tail(out))
                    + "\nstderr:\n  " + String.join("\n  ", tail(err));
        }

        private static List<String> tail(List<String> lines) {
            return lines.size() <= TAIL_LINES ? lines : lines.subList(lines.size() - TAIL_LINES, lines.size());
        }
    }
}
