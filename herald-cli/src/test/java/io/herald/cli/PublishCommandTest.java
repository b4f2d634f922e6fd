package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishCommandTest {

    @TempDir
    Path data;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(data);
        cli.run("topics", "create", "orders", "--partitions", "4");
    }

    @Test
    void publishesPlainTextFromTheArgument() {
        var result = cli.run("publish", "orders", "hello world", "--key", "customer-7", "--subject", "greeting", "--content-type", "text/plain");

        int partition = KeyPartitioner.partition("customer-7", 4);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(partition + "@0\n");
        Event event = stored().getFirst().event();
        assertThat(event.type()).isEqualTo("herald.cli");
        assertThat(event.source()).isEqualTo("/herald/cli");
        assertThat(event.dataAsString()).isEqualTo("hello world");
        assertThat(event.dataContentType()).contains("text/plain");
        assertThat(event.partitionKey()).contains("customer-7");
        assertThat(event.subject()).contains("greeting");
        assertThat(event.time()).isPresent();
    }

    @Test
    void jsonDataIsTypedApplicationJsonAndOptionsApply() {
        cli.run("publish", "orders", "{\"total\": 42}", "--type", "order.placed", "--source", "/shop");
        cli.run("publish", "orders", "<total>42</total>", "--content-type", "application/xml");

        List<Event> events = stored().stream().map(StoredEvent::event).toList();
        assertThat(events).extracting(Event::type).containsExactlyInAnyOrder("order.placed", "herald.cli");
        Event json = events.stream().filter(e -> e.type().equals("order.placed")).findFirst().orElseThrow();
        assertThat(json.source()).isEqualTo("/shop");
        assertThat(json.dataContentType()).contains("application/json");
        assertThat(json.dataAsString()).isEqualTo("{\"total\": 42}");
        Event xml = events.stream().filter(e -> e.type().equals("herald.cli")).findFirst().orElseThrow();
        assertThat(xml.dataContentType()).contains("application/xml");
    }

    @Test
    void publishesACloudEventsJsonEventAsItIs() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"order-1\",\"source\":\"/shop\",\"type\":\"order.placed\","
                + "\"subject\":\"o-1\",\"datacontenttype\":\"application/json\",\"partitionkey\":\"c-1\",\"data\":{\"total\":42}}";

        var result = cli.run("publish", "orders", json, "--type", "ignored.for.cloudevents");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo(KeyPartitioner.partition("c-1", 4) + "@0\n");
        Event event = stored().getFirst().event();
        assertThat(event.id()).isEqualTo("order-1");
        assertThat(event.type()).isEqualTo("order.placed");
        assertThat(event.subject()).contains("o-1");
        assertThat(event.partitionKey()).contains("c-1");
        assertThat(event.dataAsString()).isEqualTo("{\"total\":42}");
    }

    @Test
    void theKeyOptionOverridesACloudEventsPartitionKey() {
        String json = "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/s\",\"type\":\"t\",\"partitionkey\":\"old\"}";

        cli.run("publish", "orders", json, "--key", "new");

        assertThat(stored().getFirst().event().partitionKey()).contains("new");
    }

    @Test
    void publishesEachLineOfStdinInOrderSkippingBlankLines() {
        String cloudEvent = "{\"specversion\":\"1.0\",\"id\":\"ce-1\",\"source\":\"/s\",\"type\":\"from.json\"}";
        String stdin = "\"first\"\n\n{\"n\": 2}\n" + cloudEvent + "\r\n  \n\"last\"\n";

        var result = cli.runWithStdin(stdin, "publish", "orders", "--key", "same");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        int p = KeyPartitioner.partition("same", 4);
        assertThat(result.outLines()).containsExactly(p + "@0", p + "@1", p + "@2", p + "@3");
        List<Event> events = stored().stream().map(StoredEvent::event).toList();
        assertThat(events).extracting(Event::dataAsString).containsExactly("\"first\"", "{\"n\": 2}", "", "\"last\"");
        assertThat(events).extracting(Event::type).containsExactly("herald.cli", "herald.cli", "from.json", "herald.cli");
        assertThat(events.get(1).dataContentType()).contains("application/json");
        assertThat(events.get(2).id()).isEqualTo("ce-1");
    }

    @Test
    void publishesManyLinesInBatchesAndSummarizesWithQuiet() {
        int count = 2 * PublishCommand.BATCH_SIZE + 123;
        String stdin = IntStream.range(0, count).mapToObj(i -> "{\"n\":" + i + "}").collect(Collectors.joining("\n"));

        var result = cli.runWithStdin(stdin, "publish", "orders", "--quiet");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("published " + count + " events to 'orders'\n");
        assertThat(stored()).hasSize(count);
    }

    @Test
    void aBadLineIsNamedWithItsNumberAndNothingIsPublished() {
        String stdin = "{\"n\": 1}\n{\"n\": 2}\n{\"specversion\":\"1.0\",\"id\":\"x\"}\n{\"n\": 4}\n";

        var result = cli.runWithStdin(stdin, "publish", "orders", "-q");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("herald: stdin line 3: ").contains("nothing was published");
        assertThat(stored()).isEmpty();
    }

    @Test
    void withStreamABadLineStopsAfterPublishingTheLinesBeforeIt() {
        String stdin = "{\"n\": 1}\n{\"n\": 2}\n{\"specversion\":\"1.0\",\"id\":\"x\"}\n{\"n\": 4}\n";

        var result = cli.runWithStdin(stdin, "publish", "orders", "-q", "--stream");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("herald: stdin line 3: ").contains("(the 2 events before it were published)");
        assertThat(stored()).extracting(e -> e.event().dataAsString()).containsExactlyInAnyOrder("{\"n\": 1}", "{\"n\": 2}");
    }

    @Test
    void inputThatIsNotJsonIsRefusedWithoutAContentTypeAndKeptByteForByteWithOne() {
        for (String bad : new String[] {"hello world", "{\"total\": 4", "{\"specversion\": \"1.0\", \"id\""}) {
            var result = cli.run("publish", "orders", bad);
            assertThat(result.exitCode()).as(bad).isEqualTo(1);
            assertThat(result.err()).as(bad).contains("is not JSON", "--content-type text/plain", "nothing was published");
        }
        var lines = cli.runWithStdin("{\"ok\": 1}\nplain words\n", "publish", "orders");
        assertThat(lines.err()).startsWith("herald: stdin line 2: ").contains("is not JSON");
        assertThat(cli.run("publish", "orders", "{oops", "--content-type", "application/json").err())
                .contains("is not JSON", "which --content-type application/json says it is");
        assertThat(stored()).isEmpty();

        byte[] binary = {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF, 'x', '\r'}; // invalid UTF-8, a NUL, a carriage return
        var result = Cli.executeBytes(binary, data, "publish", "orders", "--content-type", "application/octet-stream");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(stored()).singleElement().satisfies(e -> {
            assertThat(e.event().data()).isEqualTo(binary);
            assertThat(e.event().dataContentType()).contains("application/octet-stream");
        });
    }

    @Test
    void anUnknownTopicFailsBeforeReadingStdin() {
        var result = cli.runWithStdin("{}\n", "publish", "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("herald: topic 'nope' does not exist\n");
    }

    @Test
    void anInvalidAttributeIsReportedByName() {
        var result = cli.run("publish", "orders", "{}", "--type", "");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("herald: invalid event: attribute 'type'");
    }

    @Test
    void aDelayedEventEntersTheTopicAfterTheDelayInTheOrderGiven() {
        Instant before = Instant.now();
        var result = cli.runWithStdin("a\nb\nc\n", "publish", "orders", "--key", "k", "--delay", "1s", "--content-type", "text/plain");
        Instant after = Instant.now();

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).hasSize(1);
        assertThat(result.out()).startsWith("scheduled 3 events for ");
        Instant deliverAt = Instant.parse(result.out().strip().substring("scheduled 3 events for ".length()));
        assertThat(deliverAt).isBetween(before.plusSeconds(1).truncatedTo(ChronoUnit.MILLIS), after.plusSeconds(1));

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(readLines()).extracting(l -> l.substring(l.lastIndexOf(' ') + 1)).containsExactly("a", "b", "c"));
        // appended at their time, not before: the append time is the log's, not the publisher's
        assertThat(readLines()).allSatisfy(l -> assertThat(Instant.parse(l.split(" ")[1])).isAfterOrEqualTo(deliverAt));
        assertThat(readLines()).allSatisfy(l -> assertThat(l).startsWith(KeyPartitioner.partition("k", 4) + "@"));
    }

    @Test
    void anEventAtAnInstantWaitsForItWhileALaterOneStillWaits() {
        Instant soon = Instant.now().plusMillis(800).truncatedTo(ChronoUnit.MILLIS);

        var later = cli.run("publish", "orders", "\"next century\"", "--at", "2100-01-01T00:00:00Z");
        var result = cli.run("publish", "orders", "{\"reminder\": 1}", "--at", soon.toString(), "--type", "reminder");

        assertThat(later.out()).isEqualTo("scheduled 1 event for 2100-01-01T00:00:00Z\n");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("scheduled 1 event for " + soon + "\n");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> !readLines().isEmpty());
        List<String> lines = readLines();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains(" reminder ").endsWith(" {\"reminder\": 1}");
        assertThat(Instant.parse(lines.getFirst().split(" ")[1])).isAfterOrEqualTo(soon);
    }

    @Test
    void aTimeInThePastMeansNow() {
        var result = cli.run("publish", "orders", "overdue", "--at", "2020-01-01T00:00:00Z", "--content-type", "text/plain");

        assertThat(result.out()).isEqualTo("scheduled 1 event for 2020-01-01T00:00:00Z\n");
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(readLines()).singleElement().asString().endsWith(" overdue"));
    }

    @Test
    void aBadLineStopsAScheduleBeforeAnythingIsScheduled() {
        var result = cli.runWithStdin("{}\n{\"specversion\":\"1.0\",\"id\":\"x\"}\n", "publish", "orders", "--delay", "5m");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).singleElement().asString().startsWith("herald: stdin line 2: ").endsWith("nothing was scheduled");
        assertThat(readLines()).isEmpty();
    }

    private List<String> readLines() {
        return cli.run("read", "orders", "--format", "line").outLines();
    }

    private List<StoredEvent> stored() {
        try (EmbeddedBroker broker = EmbeddedBroker.open(data);
             var reader = broker.reader("orders", StartPosition.EARLIEST)) {
            List<StoredEvent> all = new ArrayList<>();
            List<StoredEvent> batch;
            while (!(batch = reader.poll(1000, Duration.ofMillis(50))).isEmpty()) {
                all.addAll(batch);
            }
            // by partition, then offset: the order of the lines when they share a key
            all.sort((a, b) -> a.position().compareTo(b.position()));
            return all;
        }
    }
}
