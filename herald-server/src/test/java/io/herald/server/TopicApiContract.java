package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Topics over HTTP: create, list, describe, delete, and every way to get them wrong. */
public abstract class TopicApiContract extends ApiContract {

    @Test
    void aCreatedTopicIsDescribedWithItsSpecAndPartitions() {
        String name = uniqueName("t");
        Http.Answer created = http.postJson("/topics", "{\"name\": \"" + name + "\", \"partitions\": 3, \"retention\": \"7d\"}");

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.header("location")).isEqualTo("/topics/" + name);
        JsonNode described = http.get("/topics/" + name).json();
        assertThat(described.path("name").asText()).isEqualTo(name);
        assertThat(described.path("partitions").asInt()).isEqualTo(3);
        assertThat(described.path("retention").asText()).isEqualTo("7d");
        assertThat(described.path("partitionDetails")).hasSize(3);
        assertThat(described.path("events").asLong()).isZero();
    }

    @Test
    void describeCountsPublishedEventsPerPartition() {
        String topic = createTopic(2);
        for (int i = 0; i < 5; i++) {
            publish(topic, event("e-" + i, "test.event", "{\"n\": " + i + "}"));
        }
        JsonNode described = http.get("/topics/" + topic).json();
        assertThat(described.path("events").asLong()).isEqualTo(5);
        long sum = 0;
        for (JsonNode p : described.path("partitionDetails")) {
            sum += p.path("endOffset").asLong() - p.path("startOffset").asLong();
        }
        assertThat(sum).isEqualTo(5);
    }

    @Test
    void theListHoldsEveryTopic() {
        String a = createTopic(1);
        String b = createTopic(2);
        List<String> names = new ArrayList<>();
        http.get("/topics").json().path("topics").forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).contains(a, b);
    }

    @Test
    void aDeletedTopicIsGoneAndItsNameFreeAgain() {
        String topic = createTopic(1);
        publish(topic, event("e-1", "test.event", "{}"));

        assertThat(http.delete("/topics/" + topic).status()).isEqualTo(204);

        assertProblem(http.get("/topics/" + topic), 404, "topic-not-found");
        assertProblem(http.delete("/topics/" + topic), 404, "topic-not-found");
        assertThat(http.postJson("/topics", "{\"name\": \"" + topic + "\"}").status()).isEqualTo(201);
        assertThat(http.get("/topics/" + topic).json().path("events").asLong()).isZero();
    }

    @Test
    void creatingATopicTwiceIsAConflictThatChangesNothing() {
        String topic = createTopic(2);
        JsonNode problem = assertProblem(http.postJson("/topics", "{\"name\": \"" + topic + "\", \"partitions\": 5}"), 409, "topic-exists");
        assertThat(problem.path("detail").asText()).contains(topic);
        assertThat(http.get("/topics/" + topic).json().path("partitions").asInt()).isEqualTo(2);
    }

    @Test
    void badCreateRequestsNameTheirProblem() {
        String name = uniqueName("t");
        assertProblem(http.postJson("/topics", "{\"name\": \"a b\"}"), 400, "invalid-name");
        assertProblem(http.postJson("/topics", "{\"name\": \"__internal\"}"), 400, "invalid-name");
        assertThat(assertProblem(http.postJson("/topics", "{\"partitions\": 2}"), 400, "invalid-field").path("field").asText())
                .isEqualTo("name");
        assertThat(assertProblem(http.postJson("/topics", "{\"name\": \"" + name + "\", \"partitions\": 0}"), 400, "invalid-field")
                .path("field").asText()).isEqualTo("partitions");
        assertThat(assertProblem(http.postJson("/topics", "{\"name\": \"" + name + "\", \"partition\": 2}"), 400, "invalid-field")
                .path("detail").asText()).contains("unknown member 'partition'");
        assertProblem(http.postJson("/topics", "{\"name\": \"" + name + "\", \"fsync\": \"sometimes\"}"), 400, "invalid-field");
        assertProblem(http.postJson("/topics", "{\"name\": \"" + name + "\", \"retention\": \"forever\"}"), 400, "invalid-field");
        assertProblem(http.postJson("/topics", "{\"name\": 7}"), 400, "invalid-field");
        assertProblem(http.postJson("/topics", "[\"" + name + "\"]"), 400, "malformed-json");
        assertProblem(http.postJson("/topics", "{\"name\": "), 400, "malformed-json");
        assertProblem(http.postJson("/topics", ""), 400, "malformed-json");

        assertProblem(http.get("/topics/" + name), 404, "topic-not-found");
    }

    @Test
    void unknownRoutesAndMethodsAreProblemsToo() {
        assertProblem(http.get("/no/such/route"), 404, "no-such-route");
        Http.Answer wrongMethod = http.send("PATCH", "/topics", "{}".getBytes(), "Content-Type", "application/json");
        assertThat(wrongMethod.status()).isIn(404, 405);
        assertThat(wrongMethod.header("content-type")).startsWith("application/problem+json");
    }
}
