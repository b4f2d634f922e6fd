package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Subscriptions over HTTP: create, change, describe with lag, list, reset, delete, and the bad requests of each. */
public abstract class SubscriptionApiContract extends ApiContract {

    protected String subscriptionPath(String topic, String name) {
        return "/topics/" + topic + "/subscriptions/" + name;
    }

    @Test
    void aPutCreatesTheSubscriptionWithItsDefinition() {
        String topic = createTopic(2);
        Http.Answer created = http.putJson(subscriptionPath(topic, "billing"), """
                {"ordering": "key", "start": "earliest", "filter": {"type": ["order.placed"]},
                 "retry": {"maxAttempts": 7, "initialBackoff": "200ms", "maxBackoff": "10s"}, "lease": "45s", "concurrency": 4}""");

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.header("location")).isEqualTo(subscriptionPath(topic, "billing"));
        JsonNode described = http.get(subscriptionPath(topic, "billing")).json();
        assertThat(described.path("ordering").asText()).isEqualTo("key");
        assertThat(described.path("filter").path("type").get(0).asText()).isEqualTo("order.placed");
        assertThat(described.path("retry").path("maxAttempts").asInt()).isEqualTo(7);
        assertThat(described.path("retry").path("initialBackoff").asText()).isEqualTo("200ms");
        assertThat(described.path("lease").asText()).isEqualTo("45s");
        assertThat(described.path("deadLetterTopic").asText()).isEqualTo(topic + ".billing.dlq");
        assertThat(described.path("cursors")).hasSize(2);
    }

    @Test
    void aSecondPutChangesTheDefinitionAndAnIdenticalOneChangesNothing() {
        String topic = createTopic(1);
        String path = subscriptionPath(topic, "billing");
        assertThat(http.putJson(path, "{\"ordering\": \"none\", \"retry\": {\"maxAttempts\": 3}}").status()).isEqualTo(201);
        assertThat(http.putJson(path, "{\"ordering\": \"none\", \"retry\": {\"maxAttempts\": 3}}").status()).isEqualTo(200);

        Http.Answer changed = http.putJson(path, "{\"ordering\": \"none\", \"retry\": {\"maxAttempts\": 9}}");

        assertThat(changed.status()).as("%s", changed).isEqualTo(200);
        assertThat(http.get(path).json().path("retry").path("maxAttempts").asInt()).isEqualTo(9);
    }

    @Test
    void describeGivesLagInEventsAndInSeconds() {
        String topic = createTopic(2);
        assertThat(http.putJson(subscriptionPath(topic, "audit"), "{\"start\": \"earliest\"}").status()).isEqualTo(201);
        for (int i = 0; i < 6; i++) {
            publish(topic, event("e-" + i, "test.event", "{\"n\": " + i + "}"));
        }
        JsonNode described = http.get(subscriptionPath(topic, "audit")).json();
        assertThat(described.path("lag").asLong()).isEqualTo(6);
        assertThat(described.path("lagSeconds").isNumber()).as("lagSeconds in %s", described).isTrue();
        assertThat(described.path("lagSeconds").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(described.path("stats").has("leased")).isTrue();

        JsonNode empty = http.get(subscriptionPath(createTopicWithSubscription(), "audit")).json();
        assertThat(empty.path("lag").asLong()).isZero();
        assertThat(empty.path("lagSeconds").asDouble()).isZero();
    }

    private String createTopicWithSubscription() {
        String topic = createTopic(1);
        assertThat(http.putJson(subscriptionPath(topic, "audit"), "{}").status()).isEqualTo(201);
        return topic;
    }

    @Test
    void theListHoldsEverySubscriptionOfTheTopic() {
        String topic = createTopic(1);
        http.putJson(subscriptionPath(topic, "a"), "{}");
        http.putJson(subscriptionPath(topic, "b"), "{\"ordering\": \"key\"}");
        List<String> names = new ArrayList<>();
        http.get("/topics/" + topic + "/subscriptions").json().path("subscriptions").forEach(s -> names.add(s.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aResetToEarliestReplaysEverything() {
        String topic = createTopic(1);
        http.putJson(subscriptionPath(topic, "replay"), "{\"start\": \"latest\"}");
        for (int i = 0; i < 4; i++) {
            publish(topic, event("e-" + i, "test.event", "{}"));
        }
        Http.Answer reset = http.postJson(subscriptionPath(topic, "replay") + "/reset", "{\"to\": \"latest\"}");
        assertThat(reset.status()).as("%s", reset).isEqualTo(200);
        assertThat(reset.json().path("lag").asLong()).isZero();

        JsonNode replayed = http.postJson(subscriptionPath(topic, "replay") + "/reset", "{\"to\": \"earliest\"}").json();

        assertThat(replayed.path("lag").asLong()).isEqualTo(4);
        assertProblem(http.postJson(subscriptionPath(topic, "replay") + "/reset", "{\"to\": \"yesterday\"}"), 400, "invalid-field");
        assertProblem(http.postJson(subscriptionPath(topic, "replay") + "/reset", "{}"), 400, "invalid-field");
        assertProblem(http.postJson(subscriptionPath(topic, "ghost") + "/reset", "{\"to\": \"earliest\"}"), 404, "subscription-not-found");
    }

    @Test
    void aDeletedSubscriptionIsGone() {
        String topic = createTopic(1);
        http.putJson(subscriptionPath(topic, "gone"), "{}");

        assertThat(http.delete(subscriptionPath(topic, "gone")).status()).isEqualTo(204);

        assertProblem(http.get(subscriptionPath(topic, "gone")), 404, "subscription-not-found");
        assertProblem(http.delete(subscriptionPath(topic, "gone")), 404, "subscription-not-found");
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/topics/" + topic + "/subscriptions").json()
                .path("subscriptions").isEmpty());
    }

    @Test
    void badDefinitionsNameTheMemberAtFault() {
        String topic = createTopic(1);
        String path = subscriptionPath(topic, "bad");
        assertThat(assertProblem(http.putJson(path, "{\"ordering\": \"random\"}"), 400, "invalid-field").path("field").asText())
                .isEqualTo("ordering");
        assertThat(assertProblem(http.putJson(path, "{\"filter\": {\"type\": \"order.placed\"}}"), 400, "invalid-field")
                .path("field").asText()).isEqualTo("filter");
        assertThat(assertProblem(http.putJson(path, "{\"retry\": {\"maxAttempts\": 0}}"), 400, "invalid-field").path("field").asText())
                .isEqualTo("retry.maxAttempts");
        assertThat(assertProblem(http.putJson(path, "{\"retry\": {\"tries\": 3}}"), 400, "invalid-field").path("field").asText())
                .isEqualTo("retry.tries");
        assertThat(assertProblem(http.putJson(path, "{\"lease\": \"soon\"}"), 400, "invalid-field").path("field").asText())
                .isEqualTo("lease");
        assertThat(assertProblem(http.putJson(path, "{\"concurrency\": 0}"), 400, "invalid-field").path("field").asText())
                .isEqualTo("concurrency");
        assertThat(assertProblem(http.putJson(path, "{\"deadLetterTopic\": \"" + topic + "\"}"), 400, "invalid-spec")
                .path("detail").asText()).contains("own topic");
        assertProblem(http.putJson(path, "{\"start\": \"tomorrow\"}"), 400, "invalid-field");
        assertProblem(http.putJson(path, "[]"), 400, "malformed-json");
        assertProblem(http.putJson(subscriptionPath(topic, "__internal"), "{}"), 400, "invalid-name");
        assertProblem(http.putJson(subscriptionPath("no-such-topic", "s"), "{}"), 404, "topic-not-found");
        assertProblem(http.get("/topics/no-such-topic/subscriptions"), 404, "topic-not-found");

        assertProblem(http.get(path), 404, "subscription-not-found");
    }
}
