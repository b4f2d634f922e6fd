package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dead letters of subscription 'billing' on 'orders': three order.placed events of key "a"
 * (partition 0) and two order.cancelled of key "d" (partition 1), each rejected once. The
 * dead-letter topic has the topic's partitions and a dead letter goes to its key's, so they sit
 * at 0@0..0@2 and 1@0..1@1.
 */
class DlqCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(data);
        cli.run("topics", "create", "orders", "--partitions", "2");
        cli.runWithStdin("{\"total\":1}\n{\"total\":2}\n{\"total\":3}\n", "publish", "orders", "--key", "a", "--type", "order.placed", "-q");
        cli.runWithStdin("c1\nc2\n", "publish", "orders", "--key", "d", "--type", "order.cancelled", "-q", "--content-type", "text/plain");
        rejectAll("billing", 5, "total out of range");
    }

    @Test
    void listsOneLinePerDeadLetterInPositionOrder() {
        var result = cli.run("dlq", "list", "orders", "billing");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).extracting(l -> l.split(" ")[0]).containsExactly("0@0", "0@1", "0@2", "1@0", "1@1");
        String[] first = result.outLines().getFirst().split(" ", 7);
        assertThat(first[1]).isEqualTo("0@0"); // where it was in 'orders'
        assertThat(first[2]).isEqualTo("1"); // attempts
        assertThat(Instant.parse(first[3])).isBefore(Instant.now().plusSeconds(1));
        assertThat(first[4]).isEqualTo("order.placed");
        assertThat(first[5]).isEqualTo(originalEvents().getFirst().id());
        assertThat(first[6]).isEqualTo("total out of range");
        assertThat(result.outLines().getLast()).contains(" order.cancelled ");
    }

    @Test
    void listsEveryFieldAsJsonWithTheEventAsCloudEvents() throws Exception {
        var result = cli.run("dlq", "list", "orders", "billing", "--format", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).hasSize(5);
        JsonNode first = JSON.readTree(result.outLines().getFirst());
        assertThat(first.get("position").asText()).isEqualTo("0@0");
        assertThat(first.get("topic").asText()).isEqualTo("orders");
        assertThat(first.get("subscription").asText()).isEqualTo("billing");
        assertThat(first.get("originalPosition").asText()).isEqualTo("0@0");
        assertThat(first.get("attempts").asInt()).isEqualTo(1);
        assertThat(Instant.parse(first.get("firstFailure").asText())).isBeforeOrEqualTo(Instant.parse(first.get("lastFailure").asText()));
        assertThat(first.get("errorClass").isNull()).isTrue(); // a reject, not an exception
        assertThat(first.get("errorMessage").isNull()).isTrue();
        assertThat(first.get("reason").asText()).isEqualTo("total out of range");
        Event event = CloudEventsJson.parse(first.get("event").toString());
        assertThat(event).isEqualTo(originalEvents().getFirst());
    }

    @Test
    void listsThoseMatchingAPattern() {
        var result = cli.run("dlq", "list", "orders", "billing", "--match", "{\"type\": [\"order.cancelled\"]}");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).extracting(l -> l.split(" ")[0]).containsExactly("1@0", "1@1");
    }

    @Test
    void listsARangeOfOnePartition() {
        var result = cli.run("dlq", "list", "orders", "billing", "--range", "0:1-5");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).extracting(l -> l.split(" ")[0]).containsExactly("0@1", "0@2");
    }

    @Test
    void theLimitCutsTheListAndSaysHowManyThereAreOnStderr() {
        var result = cli.run("dlq", "list", "orders", "billing", "--limit", "2");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).extracting(l -> l.split(" ")[0]).containsExactly("0@0", "0@1");
        assertThat(result.err()).isEqualTo("printed the first 2 of 5 dead letters; raise --limit to see more\n");
        assertThat(cli.run("dlq", "list", "orders", "billing", "--limit", "5").err()).isEmpty();
    }

    @Test
    void anEmptyQueueListsAsNothingWithANoteOnStderr() {
        rejectAll("shipping", 0, "unused");

        var result = cli.run("dlq", "list", "orders", "shipping");
        var none = cli.run("dlq", "list", "orders", "billing", "--match", "{\"type\": [\"order.shipped\"]}");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("no dead letters for subscription 'shipping' on topic 'orders'\n");
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEqualTo("no dead letters selected for subscription 'billing' on topic 'orders'\n");
    }

    @Test
    void showsOneDeadLetterWithItsEventAsIndentedJson() {
        var result = cli.run("dlq", "show", "orders", "billing", "1@1");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> lines = result.outLines();
        assertThat(lines).contains("position           1@1 of orders.billing.dlq", "topic              orders",
                "subscription       billing", "original position  1@1", "attempts           1",
                "reason             total out of range", "error              none");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("first failure  "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("last failure  "));
        // after the first blank line: the event, indented, one member per line
        String json = String.join("\n", lines.subList(lines.indexOf("") + 1, lines.size()));
        assertThat(json).startsWith("{\n  \"specversion\": \"1.0\",").contains("\n  \"type\": \"order.cancelled\",");
        assertThat(CloudEventsJson.parse(json)).isEqualTo(originalEvents().getLast());
    }

    @Test
    void showingWhereThereIsNoDeadLetterIsAOneLineError() {
        var result = cli.run("dlq", "show", "orders", "billing", "0@99");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.errLines()).containsExactly("herald: no dead letter of subscription 'billing' on topic 'orders' at 0@99 "
                + "(redriven, purged, or never there); 'herald dlq list orders billing' lists those there are");
    }

    @Test
    void aPurgedDeadLetterIsNoLongerShown() {
        cli.run("dlq", "purge", "orders", "billing", "--range", "0:0-0");

        assertThat(cli.run("dlq", "show", "orders", "billing", "0@0").exitCode()).isEqualTo(1);
        assertThat(cli.run("dlq", "show", "orders", "billing", "0@1").exitCode()).isZero();
    }

    @Test
    void redrivesToTheSubscriptionWhichGetsThemAgainFromAttemptOne() {
        rejectAll("shipping", 0, "unused"); // another subscription, with nothing dead-lettered
        consume("shipping", 5);

        var result = cli.run("dlq", "redrive", "orders", "billing");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("redrove 5 dead letters to subscription 'billing'\n");
        assertThat(result.err()).isEmpty(); // no terminal: no progress bar
        assertThat(cli.run("dlq", "list", "orders", "billing").out()).isEmpty();
        List<Delivery> again = consume("billing", 5);
        assertThat(again).extracting(d -> d.event().id())
                .containsExactlyInAnyOrderElementsOf(originalEvents().stream().map(Event::id).toList());
        assertThat(again).extracting(Delivery::attempt).containsOnly(1);
        assertThat(consume("shipping", 5)).isEmpty(); // only the subscription that gave up gets them
    }

    @Test
    void redrivesWhatMatchesToATopicWhereReadShowsThem() {
        cli.run("topics", "create", "orders-retry");

        var result = cli.run("dlq", "redrive", "orders", "billing", "--match", "{\"type\": [\"order.cancelled\"]}",
                "--to-topic", "orders-retry");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("redrove 2 dead letters to topic 'orders-retry'\n");
        List<Event> retried = cli.run("read", "orders-retry").outLines().stream().map(CloudEventsJson::parse).toList();
        assertThat(retried).containsExactlyElementsOf(originalEvents().subList(3, 5)); // unchanged, in order
        assertThat(cli.run("dlq", "list", "orders", "billing").outLines()).extracting(l -> l.split(" ")[0])
                .containsExactly("0@0", "0@1", "0@2");
    }

    @Test
    void redrivesARange() {
        var result = cli.run("dlq", "redrive", "orders", "billing", "--range", "0:0-1");

        assertThat(result.out()).isEqualTo("redrove 2 dead letters to subscription 'billing'\n");
        assertThat(cli.run("dlq", "list", "orders", "billing").outLines()).extracting(l -> l.split(" ")[0])
                .containsExactly("0@2", "1@0", "1@1");
    }

    @Test
    void redrivingToAMissingTopicMovesNothing() {
        var result = cli.run("dlq", "redrive", "orders", "billing", "--to-topic", "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("herald: topic 'nope' does not exist");
        assertThat(cli.run("dlq", "list", "orders", "billing").outLines()).hasSize(5);
    }

    @Test
    void redrivingIntoTheDeadLetterTopicItselfIsRefused() {
        var result = cli.run("dlq", "redrive", "orders", "billing", "--to-topic", "orders.billing.dlq");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("herald: cannot redrive dead letters into their own dead-letter topic 'orders.billing.dlq'");
        assertThat(cli.run("dlq", "list", "orders", "billing").outLines()).hasSize(5);
    }

    @Test
    void purgesWhatASelectorNamesThenEverythingWithAll() {
        var some = cli.run("dlq", "purge", "orders", "billing", "--match", "{\"type\": [\"order.placed\"]}");

        assertThat(some.exitCode()).as(some.toString()).isZero();
        assertThat(some.out()).isEqualTo("purged 3 dead letters of subscription 'billing' on topic 'orders'\n");
        assertThat(cli.run("dlq", "list", "orders", "billing").outLines()).extracting(l -> l.split(" ")[0])
                .containsExactly("1@0", "1@1");

        var rest = cli.run("dlq", "purge", "orders", "billing", "--all");

        assertThat(rest.out()).isEqualTo("purged 2 dead letters of subscription 'billing' on topic 'orders'\n");
        assertThat(cli.run("dlq", "list", "orders", "billing").out()).isEmpty();
        // purged is gone for good: nothing comes back to the subscription
        assertThat(consume("billing", 5)).isEmpty();
    }

    @Test
    void purgingWithoutAllOrASelectorIsRefusedAndPurgesNothing() {
        var result = cli.run("dlq", "purge", "orders", "billing");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).containsExactly(
                "herald: purge deletes dead letters for good: choose them with --match or --range, or pass --all to purge every one",
                "Try 'herald dlq purge --help' for more information.");
        assertThat(cli.run("dlq", "list", "orders", "billing").outLines()).hasSize(5);
    }

    @Test
    void describeCountsTheDeadLettersLeft() {
        assertThat(cli.run("groups", "describe", "orders", "billing").outLines()).contains("dead-lettered      5");

        cli.run("dlq", "purge", "orders", "billing", "--range", "1:0-1");

        assertThat(cli.run("subscriptions", "describe", "orders", "billing").outLines()).contains("dead-lettered      3");
        assertThat(cli.run("groups", "list", "orders").outLines().get(1).split("\\s+"))
                .containsExactly("billing", "NONE", "0", "0", "3");
    }

    /** The events of 'orders', partition 0 then 1. */
    private List<Event> originalEvents() {
        return cli.run("read", "orders").outLines().stream().map(CloudEventsJson::parse).toList();
    }

    /** Subscribes (NONE ordering, from the earliest event) and rejects {@code count} deliveries, then leaves. */
    private void rejectAll(String subscription, int count, String reason) {
        try (EmbeddedBroker broker = EmbeddedBroker.open(data);
             PullSubscriber subscriber = broker.pullSubscriber("orders", subscription,
                     SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST))) {
            // one at a time, each dead letter written before the next reject: under NONE the dead letters
            // of rejects given together may be written in any order, and these tests read them in order
            for (int rejected = 0; rejected < count; rejected++) {
                List<Delivery> batch = subscriber.poll(1, Duration.ofSeconds(5));
                assertThat(batch).as("deliveries of '%s' after %d", subscription, rejected).hasSize(1);
                batch.getFirst().reject(reason);
                int written = rejected + 1;
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        broker.deadLetters("orders", subscription).count(DeadLetterSelector.all()) == written);
            }
        }
    }

    /** Acks what the subscription delivers, up to {@code max}, until a poll comes back empty; then leaves. */
    private List<Delivery> consume(String subscription, int max) {
        try (EmbeddedBroker broker = EmbeddedBroker.open(data);
             PullSubscriber subscriber = broker.pullSubscriber("orders", subscription,
                     SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST))) {
            List<Delivery> acked = new ArrayList<>();
            List<Delivery> batch;
            while (acked.size() < max && !(batch = subscriber.poll(max - acked.size(), Duration.ofMillis(500))).isEmpty()) {
                batch.forEach(Delivery::ack);
                acked.addAll(batch);
            }
            return acked;
        }
    }
}
