package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Dead letters over HTTP: list, count, show, redrive (at once, paced, dry run, to a topic), purge. */
public abstract class DeadLetterApiContract extends ApiContract {

    private String sub(String topic) {
        return "/topics/" + topic + "/subscriptions/worker";
    }

    private String dlq(String topic) {
        return sub(topic) + "/dead-letters";
    }

    /** A topic whose subscription 'worker' rejected {@code count} events, half of type a.failed and half b.failed. */
    private String withDeadLetters(int count) {
        String topic = createTopic(2);
        assertThat(http.putJson(sub(topic), "{\"ordering\": \"none\", \"start\": \"earliest\"}").status()).isEqualTo(201);
        for (int i = 0; i < count; i++) {
            publish(topic, event("e-" + i, i % 2 == 0 ? "a.failed" : "b.failed", "{\"n\": " + i + "}"));
        }
        List<String> receipts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            http.post(sub(topic) + "/receive?max=100&wait=2s", null).json().path("deliveries")
                    .forEach(d -> receipts.add("\"" + d.path("receipt").asText() + "\""));
            return receipts.size() >= count;
        });
        Http.Answer rejected = http.postJson(sub(topic) + "/reject", "{\"receipts\": [" + String.join(",", receipts)
                + "], \"reason\": \"bad payload\"}");
        assertThat(rejected.status()).as("%s", rejected).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> count(topic, "") == count);
        return topic;
    }

    private long count(String topic, String query) {
        Http.Answer a = http.get(dlq(topic) + "/count" + query);
        assertThat(a.status()).as("%s", a).isEqualTo(200);
        return a.json().path("count").asLong();
    }

    private List<JsonNode> list(String topic, String query) {
        List<JsonNode> out = new ArrayList<>();
        http.get(dlq(topic) + query).json().path("deadLetters").forEach(out::add);
        return out;
    }

    @Test
    void deadLettersAreListedWithWhyAndWhereTheyFailedAndShownOneByOne() {
        String topic = withDeadLetters(4);

        List<JsonNode> letters = list(topic, "");

        assertThat(letters).hasSize(4);
        Set<String> ids = new HashSet<>();
        for (JsonNode d : letters) {
            assertThat(d.path("reason").asText()).contains("bad payload");
            assertThat(d.path("subscription").asText()).isEqualTo("worker");
            assertThat(d.path("topic").asText()).isEqualTo(topic);
            assertThat(d.path("originalPosition").asText()).matches("\\d+@\\d+");
            ids.add(d.path("event").path("id").asText());
        }
        assertThat(ids).containsExactlyInAnyOrder("e-0", "e-1", "e-2", "e-3");
        JsonNode shown = http.get(dlq(topic) + "/" + letters.get(1).path("position").asText()).json();
        assertThat(shown).isEqualTo(letters.get(1));
        assertThat(list(topic, "?limit=2")).hasSize(2);
        assertThat(list(topic, "?match=%7B%22type%22%3A%5B%22a.failed%22%5D%7D")).hasSize(2);
        assertThat(count(topic, "?match=%7B%22type%22%3A%5B%22b.failed%22%5D%7D")).isEqualTo(2);
        String position = letters.getFirst().path("position").asText();
        String partition = position.substring(0, position.indexOf('@'));
        String offset = position.substring(position.indexOf('@') + 1);
        assertThat(count(topic, "?range=" + partition + ":" + offset + "-" + offset)).isEqualTo(1);
    }

    @Test
    void aRedriveSendsThemBackToTheSubscriptionFromTheFirstAttempt() {
        String topic = withDeadLetters(3);

        JsonNode dry = http.postJson(dlq(topic) + "/redrive", "{\"dryRun\": true}").json();
        assertThat(dry.path("count").asLong()).isEqualTo(3);
        assertThat(count(topic, "")).as("a dry run moves nothing").isEqualTo(3);

        Http.Answer redriven = http.postJson(dlq(topic) + "/redrive", "{}");

        assertThat(redriven.status()).as("%s", redriven).isEqualTo(200);
        assertThat(redriven.json().path("redriven").asLong()).isEqualTo(3);
        assertThat(count(topic, "")).isZero();
        List<JsonNode> again = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            http.post(sub(topic) + "/receive?max=10&wait=2s", null).json().path("deliveries").forEach(again::add);
            return again.size() >= 3;
        });
        assertThat(again).allSatisfy(d -> assertThat(d.path("attempt").asInt()).isEqualTo(1));
    }

    @Test
    void aRedriveToATopicPublishesTheEventsThere() {
        String topic = withDeadLetters(2);
        String retry = createTopic(1);

        Http.Answer redriven = http.postJson(dlq(topic) + "/redrive", "{\"toTopic\": \"" + retry + "\"}");

        assertThat(redriven.json().path("redriven").asLong()).as("%s", redriven).isEqualTo(2);
        JsonNode read = http.get("/topics/" + retry + "/events?from=earliest&wait=5s").json();
        List<String> ids = new ArrayList<>();
        read.path("events").forEach(e -> ids.add(e.path("event").path("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder("e-0", "e-1");
        assertProblem(http.postJson(dlq(topic) + "/redrive", "{\"toTopic\": \"no-such-topic\"}"), 404, "topic-not-found");
        assertProblem(http.postJson(dlq(topic) + "/redrive", "{\"toTopic\": \"" + topic + ".worker.dlq\"}"), 400, "invalid-field");
    }

    @Test
    void aPacedRedriveRunsAsAJobAtItsRate() {
        String topic = withDeadLetters(6);
        Instant started = Instant.now();

        Http.Answer accepted = http.postJson(dlq(topic) + "/redrive", "{\"perSecond\": 4}");

        assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
        String job = accepted.header("location");
        assertThat(accepted.json().path("total").asLong()).isEqualTo(6);
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get(job).json().path("state").asText().equals("done"));
        assertThat(http.get(job).json().path("done").asLong()).isEqualTo(6);
        // six at four per second: the last leaves no sooner than 1.25 s after the first
        assertThat(Duration.between(started, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
        assertThat(count(topic, "")).isZero();
    }

    @Test
    void aPacedRedriveCanBeCancelledAndLeavesTheRestInTheQueue() {
        String topic = withDeadLetters(6);
        String job = http.postJson(dlq(topic) + "/redrive", "{\"perSecond\": 1}").header("location");
        await().atMost(Duration.ofSeconds(20)).until(() -> http.get(job).json().path("done").asLong() >= 1);

        JsonNode cancelled = http.delete(job).json();

        assertThat(cancelled.path("state").asText()).isEqualTo("cancelled");
        long done = http.get(job).json().path("done").asLong();
        assertThat(done).isLessThan(6);
        assertThat(count(topic, "")).isEqualTo(6 - done);
        assertProblem(http.get(dlq(topic) + "/redrives/999"), 404, "redrive-not-found");
    }

    @Test
    void aPurgeRemovesWhatItSelectsAndAskedForAllOnlyWithAll() {
        String topic = withDeadLetters(4);

        assertProblem(http.postJson(dlq(topic) + "/purge", "{}"), 400, "invalid-field");
        assertThat(http.postJson(dlq(topic) + "/purge", "{\"all\": true, \"dryRun\": true}").json().path("count").asLong()).isEqualTo(4);
        JsonNode matched = http.postJson(dlq(topic) + "/purge", "{\"match\": {\"type\": [\"a.failed\"]}}").json();

        assertThat(matched.path("purged").asLong()).isEqualTo(2);
        assertThat(count(topic, "")).isEqualTo(2);
        assertThat(http.postJson(dlq(topic) + "/purge", "{\"all\": true}").json().path("purged").asLong()).isEqualTo(2);
        assertThat(count(topic, "")).isZero();
    }

    @Test
    void badSelectorsAndPositionsNameTheirProblem() {
        String topic = withDeadLetters(1);
        assertProblem(http.get(dlq(topic) + "?match=%7Bnot%20json"), 400, "invalid-parameter");
        assertProblem(http.get(dlq(topic) + "?range=0-10"), 400, "invalid-parameter");
        assertProblem(http.get(dlq(topic) + "?limit=0"), 400, "invalid-parameter");
        assertProblem(http.get(dlq(topic) + "/nowhere"), 400, "invalid-parameter");
        assertProblem(http.get(dlq(topic) + "/0@999999"), 404, "dead-letter-not-found");
        assertProblem(http.postJson(dlq(topic) + "/redrive", "{\"match\": {\"type\": \"x\"}}"), 400, "invalid-field");
        assertProblem(http.postJson(dlq(topic) + "/redrive", "{\"range\": \"0:1-2\", \"match\": {\"type\": [\"x\"]}}"), 400, "invalid-field");
        assertProblem(http.postJson(dlq(topic) + "/redrive", "{\"perSecond\": 0}"), 400, "invalid-field");
        assertProblem(http.postJson(dlq(topic) + "/redrive", "{\"to\": \"x\"}"), 400, "invalid-field");
        assertProblem(http.get("/topics/" + topic + "/subscriptions/ghost/dead-letters"), 404, "subscription-not-found");
        assertThat(count(topic, "")).isEqualTo(1);
    }
}
