package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterSelector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Consuming over HTTP: receive with receipts, ack, nack, reject, extend, lease expiry, and the SSE stream with credits. */
public abstract class DeliveryApiContract extends ApiContract {

    private String path(String topic, String subscription) {
        return "/topics/" + topic + "/subscriptions/" + subscription;
    }

    private String subscribed(int partitions, String definition) {
        String topic = createTopic(partitions);
        Http.Answer put = http.putJson(path(topic, "worker"), definition);
        assertThat(put.status()).as("%s", put).isEqualTo(201);
        return topic;
    }

    private void publishNumbered(String topic, int count) {
        for (int i = 0; i < count; i++) {
            publish(topic, event("e-" + i, "test.event", "{\"n\": " + i + "}"));
        }
    }

    /** Receives until {@code count} deliveries came (long polls of up to 5 s); fails after 30 s. */
    private List<JsonNode> receive(String topic, int count) {
        List<JsonNode> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Http.Answer a = http.post(path(topic, "worker") + "/receive?max=" + (count - got.size()) + "&wait=5s", null);
            assertThat(a.status()).as("%s", a).isEqualTo(200);
            a.json().path("deliveries").forEach(got::add);
            return got.size() >= count;
        });
        return got;
    }

    private Http.Answer verdict(String topic, String verdict, String json) {
        return http.postJson(path(topic, "worker") + "/" + verdict, json);
    }

    private static String receipts(List<JsonNode> deliveries) {
        List<String> quoted = deliveries.stream().map(d -> "\"" + d.path("receipt").asText() + "\"").toList();
        return "{\"receipts\": [" + String.join(", ", quoted) + "]}";
    }

    private long lag(String topic) {
        return http.get(path(topic, "worker")).json().path("lag").asLong();
    }

    @Test
    void receivedDeliveriesCarryTheEventAReceiptAndTheirAttemptAndAnAckEndsThem() {
        String topic = subscribed(2, "{\"ordering\": \"key\", \"start\": \"earliest\"}");
        publishNumbered(topic, 5);

        List<JsonNode> got = receive(topic, 5);

        Set<String> ids = new HashSet<>();
        for (JsonNode d : got) {
            assertThat(d.path("receipt").asText()).isNotBlank();
            assertThat(d.path("attempt").asInt()).isEqualTo(1);
            assertThat(Instant.parse(d.path("leaseDeadline").asText())).isAfter(Instant.now());
            assertThat(d.path("position").asText()).matches("\\d+@\\d+");
            assertThat(d.path("event").path("type").asText()).isEqualTo("test.event");
            ids.add(d.path("event").path("id").asText());
        }
        assertThat(ids).containsExactlyInAnyOrder("e-0", "e-1", "e-2", "e-3", "e-4");
        Http.Answer acked = verdict(topic, "ack", receipts(got));
        assertThat(acked.status()).as("%s", acked).isEqualTo(200);
        assertThat(acked.json().path("results")).hasSize(5).allSatisfy(r -> assertThat(r.path("outcome").asText()).isEqualTo("acked"));
        await().atMost(Duration.ofSeconds(20)).until(() -> lag(topic) == 0);
    }

    @Test
    void aNackedDeliveryComesBackAsTheNextAttemptNoSoonerThanItsDelay() {
        String topic = subscribed(1, "{\"ordering\": \"none\", \"start\": \"earliest\"}");
        publishNumbered(topic, 1);
        JsonNode first = receive(topic, 1).getFirst();

        Instant nacked = Instant.now();
        assertThat(verdict(topic, "nack", "{\"receipts\": [\"" + first.path("receipt").asText() + "\"], \"delay\": \"1s\"}").status())
                .isEqualTo(200);
        JsonNode again = receive(topic, 1).getFirst();

        assertThat(Duration.between(nacked, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(again.path("event").path("id").asText()).isEqualTo("e-0");
        assertThat(again.path("attempt").asInt()).isEqualTo(2);
        assertThat(again.path("receipt").asText()).isNotEqualTo(first.path("receipt").asText());
    }

    @Test
    void aRejectedDeliveryIsDeadLetteredWithItsReason() {
        String topic = subscribed(1, "{\"ordering\": \"key\", \"start\": \"earliest\"}");
        publishNumbered(topic, 1);
        JsonNode d = receive(topic, 1).getFirst();

        Http.Answer rejected = verdict(topic, "reject", "{\"receipts\": [\"" + d.path("receipt").asText() + "\"], \"reason\": \"card stolen\"}");

        assertThat(rejected.status()).as("%s", rejected).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() ->
                fixture.server().broker().deadLetters(topic, "worker").count(DeadLetterSelector.all()) == 1);
        DeadLetter letter = fixture.server().broker().deadLetters(topic, "worker").list(DeadLetterSelector.all(), 1).getFirst();
        assertThat(letter.reason()).contains("card stolen");
        assertThat(letter.event().id()).isEqualTo("e-0");
    }

    @Test
    void aLeaseThatRunsOutRedeliversAndItsReceiptIsThenRefused() {
        String topic = subscribed(1, "{\"ordering\": \"none\", \"start\": \"earliest\", \"lease\": \"300ms\", "
                + "\"retry\": {\"maxAttempts\": 5, \"initialBackoff\": \"0ms\", \"maxBackoff\": \"0ms\"}}");
        publishNumbered(topic, 1);
        JsonNode first = receive(topic, 1).getFirst();

        JsonNode second = receive(topic, 1).getFirst();

        assertThat(second.path("event").path("id").asText()).isEqualTo("e-0");
        assertThat(second.path("attempt").asInt()).isEqualTo(2);
        assertProblem(verdict(topic, "ack", receipts(List.of(first))), 410, "lease-expired");
        assertThat(verdict(topic, "ack", receipts(List.of(second))).status()).isEqualTo(200);
    }

    @Test
    void anExtendedLeaseHoldsTheDeliveryLonger() {
        String topic = subscribed(1, "{\"ordering\": \"none\", \"start\": \"earliest\", \"lease\": \"2s\"}");
        publishNumbered(topic, 1);
        JsonNode d = receive(topic, 1).getFirst();
        Instant before = Instant.parse(d.path("leaseDeadline").asText());

        Http.Answer extended = verdict(topic, "extend", "{\"receipts\": [\"" + d.path("receipt").asText() + "\"], \"by\": \"1m\"}");

        assertThat(extended.status()).as("%s", extended).isEqualTo(200);
        Instant after = Instant.parse(extended.json().path("results").get(0).path("leaseDeadline").asText());
        assertThat(after).isAfterOrEqualTo(before.plusSeconds(50));
        assertThat(verdict(topic, "ack", receipts(List.of(d))).status()).isEqualTo(200);
    }

    @Test
    void aVerdictSentTwiceIsAnsweredAsTheFirstAndAnotherVerdictIsAConflict() {
        String topic = subscribed(1, "{\"ordering\": \"key\", \"start\": \"earliest\"}");
        publishNumbered(topic, 1);
        List<JsonNode> d = receive(topic, 1);

        assertThat(verdict(topic, "ack", receipts(d)).status()).isEqualTo(200);
        Http.Answer again = verdict(topic, "ack", receipts(d));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("results").get(0).path("outcome").asText()).isEqualTo("already acked");
        assertProblem(verdict(topic, "nack", receipts(d)), 409, "already-settled");
    }

    @Test
    void badReceiptsAreRefusedAndNothingInTheRequestIsSettled() {
        String topic = subscribed(1, "{\"ordering\": \"none\", \"start\": \"earliest\"}");
        publishNumbered(topic, 2);
        List<JsonNode> d = receive(topic, 2);

        JsonNode problem = assertProblem(verdict(topic, "ack", "{\"receipts\": [\"" + d.get(0).path("receipt").asText()
                + "\", \"not-a-receipt\"]}"), 400, "invalid-receipt");
        assertThat(problem.path("failures").get(0).path("receipt").asText()).isEqualTo("not-a-receipt");
        // the good receipt was not settled: it still takes a nack
        assertThat(verdict(topic, "nack", receipts(List.of(d.get(0)))).status()).isEqualTo(200);

        String forged = d.get(1).path("receipt").asText();
        forged = forged.substring(0, forged.length() - 2) + (forged.endsWith("AA") ? "BB" : "AA");
        assertProblem(verdict(topic, "ack", "{\"receipts\": [\"" + forged + "\"]}"), 400, "invalid-receipt");
        assertProblem(verdict(topic, "ack", "{\"receipts\": []}"), 400, "invalid-field");
        assertProblem(verdict(topic, "ack", "{}"), 400, "invalid-field");
        assertProblem(verdict(topic, "extend", receipts(List.of(d.get(1)))), 400, "invalid-field");
        assertProblem(verdict(topic, "extend", "{\"receipts\": [\"x\"], \"by\": \"100d\"}"), 400, "invalid-field");
        assertProblem(verdict(topic, "nack", "{\"receipts\": [\"x\"], \"delay\": \"-1s\"}"), 400, "invalid-field");

        http.putJson(path(topic, "other"), "{}");
        assertProblem(http.postJson(path(topic, "other") + "/ack", receipts(List.of(d.get(1)))), 400, "wrong-subscription");
    }

    @Test
    void receiveNamesItsBadParametersAndUnknownSubscriptions() {
        String topic = subscribed(1, "{}");
        assertProblem(http.post(path(topic, "worker") + "/receive?max=0", null), 400, "invalid-parameter");
        assertProblem(http.post(path(topic, "worker") + "/receive?max=many", null), 400, "invalid-parameter");
        assertProblem(http.post(path(topic, "worker") + "/receive?wait=1h", null), 400, "invalid-parameter");
        assertProblem(http.post(path(topic, "worker") + "/receive?lease=1ms", null), 400, "invalid-parameter");
        assertProblem(http.post(path(topic, "ghost") + "/receive", null), 404, "subscription-not-found");
        assertProblem(http.post("/topics/no-such-topic/subscriptions/worker/receive", null), 404, "topic-not-found");
    }

    @Test
    void aStreamNeverHasMoreUnsettledDeliveriesThanItsCredits() throws Exception {
        String topic = subscribed(4, "{\"ordering\": \"none\", \"start\": \"earliest\"}");
        publishNumbered(topic, 8);

        try (SseReader stream = SseReader.open(http, path(topic, "worker") + "/stream?credits=3")) {
            List<SseReader.Event> first = stream.take(3, Duration.ofSeconds(20));
            // the server holds three leases for the stream and no more, while five events wait
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    http.get(path(topic, "worker")).json().path("stats").path("leased").asLong() == 3);
            assertThat(stream.pending()).isEmpty();

            Set<String> ids = new HashSet<>();
            List<SseReader.Event> all = new ArrayList<>(first);
            int acked = 0;
            for (int i = 0; i < 8; i++) {
                SseReader.Event e = all.get(i);
                JsonNode delivery = io.herald.http.Json.MAPPER.readTree(e.data());
                assertThat(e.id()).isEqualTo(delivery.path("receipt").asText());
                ids.add(delivery.path("event").path("id").asText());
                assertThat(verdict(topic, "ack", "{\"receipts\": [\"" + e.id() + "\"]}").status()).isEqualTo(200);
                acked++;
                if (all.size() < 8) {
                    all.addAll(stream.take(1, Duration.ofSeconds(20)));
                    assertThat(all.size() - acked).as("unsettled after ack %d", acked).isLessThanOrEqualTo(3);
                }
            }
            assertThat(ids).hasSize(8);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> lag(topic) == 0);
    }
}
