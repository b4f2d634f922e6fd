package io.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.ApiContract;
import io.herald.server.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks over the HTTP API: a subscription PUT with a webhook pushes its events to the endpoint,
 * signed; the generated secret is shown once; a refusal is a dead letter the API lists and
 * redrives; a PUT without the webhook stops it; reset and delete work on a pushing subscription;
 * the registry's topic is out of every token's reach.
 */
public abstract class WebhookApiContract extends ApiContract {

    private Sink sink;

    @BeforeEach
    void startSink() throws Exception {
        sink = Sink.start();
    }

    @AfterEach
    void stopSink() {
        sink.close();
    }

    private String sub(String topic) {
        return "/topics/" + topic + "/subscriptions/hook";
    }

    private String put(String topic, String path, String extra) {
        Http.Answer put = http.putJson(sub(topic), "{\"ordering\": \"key\", \"start\": \"earliest\", "
                + "\"retry\": {\"maxAttempts\": 3, \"initialBackoff\": \"50ms\", \"maxBackoff\": \"200ms\"}, "
                + "\"webhook\": {\"url\": \"" + sink.url(path) + "\"" + extra + "}}");
        assertThat(put.status()).as("%s", put).isIn(200, 201);
        return put.json().path("webhook").path("secret").asText("");
    }

    @Test
    void aSubscriptionWithAWebhookPushesItsEventsSignedAndShowsTheSecretOnce() {
        String topic = createTopic(2);
        Http.Answer put = http.putJson(sub(topic), "{\"ordering\": \"key\", \"start\": \"earliest\", \"webhook\": {\"url\": \""
                + sink.url("/orders") + "\"}}");
        assertThat(put.status()).as("%s", put).isEqualTo(201);
        String secret = put.json().path("webhook").path("secret").asText();
        assertThat(secret).startsWith("whsec_");

        JsonNode described = http.get(sub(topic)).json();
        assertThat(described.path("webhook").path("url").asText()).isEqualTo(sink.url("/orders").toString());
        assertThat(described.path("webhook").path("secretSet").asBoolean()).isTrue();
        assertThat(described.path("webhook").has("secret")).as("the secret is shown once only").isFalse();

        for (int i = 0; i < 3; i++) {
            publish(topic, event("order-" + i, "order.placed", "{\"n\": " + i + "}"));
        }
        List<Sink.Received> calls = sink.awaitCalls("/orders", 3);
        Set<String> ids = new HashSet<>();
        for (Sink.Received call : calls) {
            assertThat(call.header("ce-specversion")).isEqualTo("1.0");
            assertThat(call.header("ce-type")).isEqualTo("order.placed");
            assertThat(StandardWebhooksVerifier.verify(secret, call.headers(), call.body(), Instant.now())).isEqualTo(call.header("webhook-id"));
            ids.add(call.header("ce-id"));
        }
        assertThat(ids).containsExactlyInAnyOrder("order-0", "order-1", "order-2");
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get(sub(topic)).json().path("lag").asLong() == 0);
    }

    @Test
    void aRefusedEventIsADeadLetterTheApiListsAndRedrives() {
        String topic = createTopic(1);
        sink.script("/refuses", Sink.Reply.status(200), Sink.Reply.status(422).body("{\"error\": \"total missing\"}"));
        put(topic, "/refuses", "");
        publish(topic, event("bad-order", "order.placed", "{}"));

        await().atMost(Duration.ofSeconds(30)).until(() ->
                http.get(sub(topic) + "/dead-letters/count").json().path("count").asLong() == 1);
        JsonNode letter = http.get(sub(topic) + "/dead-letters").json().path("deadLetters").get(0);
        assertThat(letter.path("event").path("id").asText()).isEqualTo("bad-order");
        assertThat(letter.path("reason").asText() + " " + letter.path("errorMessage").asText()).contains("422").contains("total missing");

        Http.Answer redriven = http.postJson(sub(topic) + "/dead-letters/redrive", "{}");
        assertThat(redriven.json().path("redriven").asLong()).as("%s", redriven).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.calls("/refuses").size() >= 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get(sub(topic) + "/dead-letters/count").json().path("count").asLong() == 0
                && http.get(sub(topic)).json().path("stats").path("redriving").asLong() == 0);
    }

    @Test
    void aPutWithoutTheWebhookStopsItAndTheSubscriptionServesReceivesAgain() {
        String topic = createTopic(1);
        put(topic, "/stop", "");
        publish(topic, event("first", "order.placed", "{}"));
        sink.awaitCalls("/stop", 1);

        Http.Answer plain = http.putJson(sub(topic), "{\"ordering\": \"key\", \"start\": \"earliest\", "
                + "\"retry\": {\"maxAttempts\": 3, \"initialBackoff\": \"50ms\", \"maxBackoff\": \"200ms\"}}");
        assertThat(plain.status()).as("%s", plain).isEqualTo(200);
        assertThat(plain.json().has("webhook")).isFalse();
        publish(topic, event("second", "order.placed", "{}"));

        JsonNode received = http.post(sub(topic) + "/receive?wait=10s", null).json().path("deliveries");
        assertThat(received).hasSize(1);
        assertThat(received.get(0).path("event").path("id").asText()).isEqualTo("second");
        assertThat(sink.calls("/stop")).hasSize(1);
    }

    @Test
    void aPushingSubscriptionIsResetAndDeleted() {
        String topic = createTopic(1);
        put(topic, "/reset", "");
        publish(topic, event("one", "order.placed", "{}"));
        sink.awaitCalls("/reset", 1);

        Http.Answer reset = http.postJson(sub(topic) + "/reset", "{\"to\": \"earliest\"}");
        assertThat(reset.status()).as("%s", reset).isEqualTo(200);
        assertThat(sink.awaitCalls("/reset", 2).get(1).header("ce-id")).as("replayed after the reset").isEqualTo("one");
        assertThat(http.get(sub(topic)).json().has("webhook")).isTrue();

        assertThat(http.delete(sub(topic)).status()).isEqualTo(204);
        assertThat(http.get(sub(topic)).status()).isEqualTo(404);
        assertThat(http.delete("/topics/" + topic).status()).isEqualTo(204);
    }

    @Test
    void badWebhooksAreRefusedNamingTheMember() {
        String topic = createTopic(1);
        assertThat(assertProblem(http.putJson(sub(topic), "{\"webhook\": {}}"), 400, "invalid-field").path("field").asText())
                .isEqualTo("webhook.url");
        assertThat(assertProblem(http.putJson(sub(topic), "{\"webhook\": {\"url\": \"ftp://x\"}}"), 400, "invalid-field")
                .path("field").asText()).isEqualTo("webhook.url");
        assertThat(assertProblem(http.putJson(sub(topic), "{\"webhook\": {\"url\": \"http://x\", \"timeout\": \"soon\"}}"), 400,
                "invalid-field").path("field").asText()).isEqualTo("webhook.timeout");
        assertProblem(http.get(sub(topic)), 404, "subscription-not-found");
    }

    @Test
    void theRegistryTopicIsOutOfReach() {
        String topic = createTopic(1);
        put(topic, "/registry", "");
        List<String> names = new java.util.ArrayList<>();
        http.get("/topics").json().path("topics").forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).doesNotContain(Webhooks.TOPIC);
        assertProblem(http.get("/topics/" + Webhooks.TOPIC + "/events"), 403, "reserved-topic");
        assertProblem(http.get("/topics/" + Webhooks.TOPIC), 403, "reserved-topic");
        assertProblem(http.delete("/topics/" + Webhooks.TOPIC), 403, "reserved-topic");
        assertProblem(http.postJson("/topics", "{\"name\": \"herald.server.mine\"}"), 400, "invalid-field");
        assertProblem(http.postJson(sub(topic) + "/dead-letters/redrive", "{\"toTopic\": \"" + Webhooks.TOPIC + "\"}"), 400,
                "invalid-field");
    }
}
