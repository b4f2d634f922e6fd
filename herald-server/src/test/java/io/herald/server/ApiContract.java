package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.config.ServerConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The base of every API test: a server on fresh storage per test, real HTTP over loopback,
 * unique topic names. Each contract runs on both backends: {@code EmbeddedApiTest} and
 * {@code KafkaApiTest} extend it in nested classes and say how to start a server.
 */
public abstract class ApiContract {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    protected ServerFixture fixture;
    protected Http http;
    private String testName;

    /** A server for one test; {@code customize} adjusts its settings. */
    protected abstract ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception;

    /** Settings every server of this contract gets; override to add tokens or limits. */
    protected ServerConfig configure(ServerConfig config) {
        return config;
    }

    @BeforeEach
    void openFixture(TestInfo info) throws Exception {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
        fixture = newFixture(this::configure);
        http = fixture.http();
    }

    @AfterEach
    void closeFixture() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A topic name unique to this run. */
    protected String uniqueName(String prefix) {
        String base = testName.length() > 40 ? testName.substring(0, 40) : testName;
        return prefix + "-" + base + "-" + COUNTER.incrementAndGet();
    }

    /** Creates a topic over the API and returns its name. */
    protected String createTopic(int partitions) {
        String name = uniqueName("t");
        Http.Answer created = http.postJson("/topics", "{\"name\": \"" + name + "\", \"partitions\": " + partitions + "}");
        assertThat(created.status()).as("create topic: %s", created).isEqualTo(201);
        return name;
    }

    /** A structured-mode CloudEvent as JSON. */
    protected static String event(String id, String type, String dataJson) {
        return "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \"/test\", \"type\": \"" + type
                + "\", \"datacontenttype\": \"application/json\", \"data\": " + dataJson + "}";
    }

    /** Publishes one structured event and returns the answer's first event entry. */
    protected JsonNode publish(String topic, String eventJson) {
        Http.Answer a = http.post("/topics/" + topic + "/events", eventJson, "Content-Type", "application/cloudevents+json");
        assertThat(a.status()).as("publish: %s", a).isEqualTo(200);
        return a.json().path("events").get(0);
    }

    /** Asserts an answer is an RFC 9457 problem with this status and slug; returns its body. */
    protected static JsonNode assertProblem(Http.Answer answer, int status, String slug) {
        assertThat(answer.status()).as("status of %s", answer).isEqualTo(status);
        assertThat(answer.header("content-type")).as("content type of %s", answer).startsWith("application/problem+json");
        JsonNode body = answer.json();
        assertThat(body.path("type").asText()).as("type of %s", answer).isEqualTo("/problems/" + slug);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
        return body;
    }
}
