package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.http.Json;
import io.herald.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /topics/{topic}/events} over real HTTP: the three CloudEvents HTTP modes, every
 * refusal (each stores nothing), the duplicate window, delayed events, and attributes read back
 * exactly as they were published.
 */
public abstract class PublishApiContract extends EventsApiContract {

    static final int MAX_EVENT_BYTES = 4096;
    static final int MAX_BATCH = 5;

    @Override
    protected ServerConfig configure(ServerConfig config) {
        return config.withLimits(config.limits().withMaxEventBytes(MAX_EVENT_BYTES).withMaxBatchEvents(MAX_BATCH));
    }

    // ---- binary mode

    @Test
    void binaryModeTakesAttributesFromHeadersAndDataFromTheBody() {
        String topic = createTopic(2);
        Http.Answer a = publishBinary(topic, "", "{\"n\": 1}".getBytes(StandardCharsets.UTF_8),
                "ce-specversion", "1.0", "ce-id", "b-1", "ce-source", "/orders", "ce-type", "order.placed",
                "ce-subject", "order-1", "ce-time", "2026-12-07T10:00:00.123Z", "ce-dataschema", "https://example.com/order.json",
                "ce-partitionkey", "k-1", "ce-tenant", "acme", "Content-Type", "application/json");

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        JsonNode answer = a.json().path("events").get(0);
        assertThat(answer.path("id").asText()).isEqualTo("b-1");
        assertThat(answer.path("source").asText()).isEqualTo("/orders");
        assertThat(answer.path("duplicate").asBoolean()).isFalse();
        assertThat(answer.path("position").asText())
                .isEqualTo(answer.path("partition").asInt() + "@" + answer.path("offset").asLong());

        JsonNode stored = readThrough(topic, "b-1").getLast();
        assertThat(stored.path("position").asText()).isEqualTo(answer.path("position").asText());
        assertThat(stored.path("event")).isEqualTo(Json.tree(("{\"specversion\": \"1.0\", \"id\": \"b-1\", \"source\": \"/orders\", "
                + "\"type\": \"order.placed\", \"subject\": \"order-1\", \"time\": \"2026-12-07T10:00:00.123Z\", "
                + "\"dataschema\": \"https://example.com/order.json\", \"datacontenttype\": \"application/json\", "
                + "\"partitionkey\": \"k-1\", \"tenant\": \"acme\", \"data\": {\"n\": 1}}").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void binaryModeHeaderValuesArePercentDecoded() {
        String topic = createTopic(1);
        Http.Answer a = publishBinary(topic, "", "x".getBytes(StandardCharsets.UTF_8),
                "ce-specversion", "1.0", "ce-id", "b-%C3%A9", "ce-source", "/s", "ce-type", "t",
                "ce-subject", "Gr%C3%BC%C3%9Fe,%20%22zitat%22%20100%25%20%F0%9F%98%80",
                "ce-tenant", "Z%C3%BCrich", "ce-plain", "100% sure", "Content-Type", "text/plain");

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        assertThat(a.json().path("events").get(0).path("id").asText()).isEqualTo("b-é");
        JsonNode event = readThrough(topic, "b-é").getLast().path("event");
        assertThat(event.path("subject").asText()).isEqualTo("Grüße, \"zitat\" 100% \uD83D\uDE00");
        assertThat(event.path("tenant").asText()).isEqualTo("Zürich");
        // a % that starts no escape is taken as it is
        assertThat(event.path("plain").asText()).isEqualTo("100% sure");
    }

    @Test
    void binaryModeHeaderValuesMayBeQuotedStrings() {
        // binding 3.1.3.2: a receiver unescapes RFC 7230 quoted strings before percent-decoding
        String topic = createTopic(1);
        Http.Answer a = publishBinary(topic, "", "x".getBytes(StandardCharsets.UTF_8),
                "ce-specversion", "1.0", "ce-id", "q-1", "ce-source", "/s", "ce-type", "t",
                "ce-subject", "\"hello world\"", "ce-quote", "\"say \\\"hi\\\" %41\"", "Content-Type", "text/plain");

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        JsonNode event = readThrough(topic, "q-1").getLast().path("event");
        assertThat(event.path("subject").asText()).isEqualTo("hello world");
        assertThat(event.path("quote").asText()).isEqualTo("say \"hi\" A");
    }

    @Test
    void aBadPercentEncodingIsAProblemNamingTheHeader() {
        String topic = createTopic(1);
        // %C3 alone is no UTF-8
        JsonNode problem = assertProblem(publishBinary(topic, "", null, "ce-specversion", "1.0", "ce-id", "x", "ce-source", "/s",
                "ce-type", "t", "ce-subject", "bad%C3"), 400, "malformed-event");
        assertThat(problem.path("detail").asText()).contains("ce-subject");
        assertThat(storedEvents(topic)).isEmpty();
    }

    @Test
    void binaryModeWithoutABodyHasNoData() {
        String topic = createTopic(1);
        Http.Answer a = publishBinary(topic, "", null, "ce-specversion", "1.0", "ce-id", "nobody", "ce-source", "/s", "ce-type", "t");

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        JsonNode event = readThrough(topic, "nobody").getLast().path("event");
        assertThat(event.has("data")).as("%s", event).isFalse();
        assertThat(event.has("data_base64")).as("%s", event).isFalse();
        assertThat(event.has("datacontenttype")).as("%s", event).isFalse();
    }

    @Test
    void binaryModeContentTypeIsTheDataContentType() {
        String topic = createTopic(1);
        Http.Answer a = publishBinary(topic, "", "hello wörld".getBytes(StandardCharsets.UTF_8), "ce-specversion", "1.0",
                "ce-id", "txt", "ce-source", "/s", "ce-type", "t", "Content-Type", "text/plain; charset=utf-8");
        Http.Answer b = publishBinary(topic, "", new byte[] {0, 1, 2, (byte) 0xFF}, "ce-specversion", "1.0",
                "ce-id", "bin", "ce-source", "/s", "ce-type", "t", "Content-Type", "application/octet-stream");

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        assertThat(b.status()).as("%s", b).isEqualTo(200);
        List<JsonNode> events = readThrough(topic, "bin");
        JsonNode text = events.get(0).path("event");
        assertThat(text.path("datacontenttype").asText()).isEqualTo("text/plain; charset=utf-8");
        assertThat(text.path("data").asText()).isEqualTo("hello wörld");
        JsonNode binary = events.get(1).path("event");
        assertThat(binary.path("datacontenttype").asText()).isEqualTo("application/octet-stream");
        assertThat(binary.path("data_base64").asText()).isEqualTo("AAEC/w==");
    }

    // ---- structured and batch mode

    @Test
    void structuredModeStoresTheEventAsSent() {
        String topic = createTopic(2);
        String json = "{\"specversion\": \"1.0\", \"id\": \"s-1\", \"source\": \"https://shop.example/orders\", \"type\": \"order.placed\", "
                + "\"subject\": \"order-7\", \"time\": \"2026-12-07T10:00:00.5Z\", \"datacontenttype\": \"application/json\", "
                + "\"correlationid\": \"c-1\", \"tenant\": \"acme\", \"data\": {\"total\": 12.5, \"items\": [1, 2], \"note\": \"ü\"}}";
        Http.Answer a = publishStructured(topic, "", json);

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        assertThat(a.json().path("events")).hasSize(1);
        JsonNode stored = readThrough(topic, "s-1").getLast();
        assertThat(stored.path("event")).isEqualTo(Json.tree(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(stored.path("position").asText()).isEqualTo(a.json().path("events").get(0).path("position").asText());
    }

    @Test
    void batchModeStoresEveryEventInOrderWithItsPosition() {
        String topic = createTopic(1);
        Http.Answer a = publishBatch(topic, "", "[" + event("b-0", "/s", 0) + ", " + event("b-1", "/s", 1) + ", "
                + event("b-2", "/s", 2) + "]");

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        JsonNode answers = a.json().path("events");
        assertThat(answers).hasSize(3);
        List<JsonNode> stored = readThrough(topic, "b-2");
        assertThat(ids(stored)).containsExactly("b-0", "b-1", "b-2");
        for (int i = 0; i < 3; i++) {
            assertThat(answers.get(i).path("id").asText()).isEqualTo("b-" + i);
            assertThat(answers.get(i).path("position").asText()).isEqualTo(stored.get(i).path("position").asText());
            assertThat(stored.get(i).path("event").path("data").path("n").asInt()).isEqualTo(i);
        }
    }

    @Test
    void oneBadEventInABatchFailsItNamingTheEventAndStoresNothing() {
        String topic = createTopic(2);
        String bad = "{\"specversion\": \"1.0\", \"id\": \"b-1\", \"source\": \"not a uri\", \"type\": \"t\"}";
        JsonNode problem = assertProblem(publishBatch(topic, "", "[" + event("b-0", "/s", 0) + ", " + bad + ", "
                + event("b-2", "/s", 2) + "]"), 400, "invalid-event");
        assertThat(problem.path("index").asInt()).isEqualTo(1);
        assertThat(problem.path("attribute").asText()).isEqualTo("source");
        assertThat(problem.path("detail").asText()).contains("event 1");

        JsonNode malformed = assertProblem(publishBatch(topic, "", "[" + event("b-0", "/s", 0) + ", " + event("b-1", "/s", 1)
                + ", 42]"), 400, "malformed-event");
        assertThat(malformed.path("index").asInt()).isEqualTo(2);

        assertProblem(publishBatch(topic, "", "[]"), 400, "malformed-event");
        assertProblem(publishBatch(topic, "", "{\"not\": \"an array\"}"), 400, "malformed-event");
        assertThat(storedEvents(topic)).isEmpty();
    }

    // ---- refusals

    @Test
    void aBodyThatIsNoCloudEventIs415() {
        String topic = createTopic(1);
        assertProblem(http.post("/topics/" + topic + "/events", "{\"id\": \"x\"}", "Content-Type", "application/json"),
                415, "unsupported-media-type");
        assertProblem(http.post("/topics/" + topic + "/events", "hello", "Content-Type", "text/plain"), 415, "unsupported-media-type");
        assertProblem(http.post("/topics/" + topic + "/events", "hello"), 415, "unsupported-media-type");
        assertThat(storedEvents(topic)).isEmpty();
    }

    @Test
    void anUnknownTopicIs404InEveryMode() {
        String missing = uniqueName("missing");
        for (Http.Answer a : List.of(
                publishStructured(missing, "", event("e-1", "/s", 1)),
                publishBatch(missing, "", "[" + event("e-1", "/s", 1) + "]"),
                publishBinary(missing, "", null, "ce-specversion", "1.0", "ce-id", "e-1", "ce-source", "/s", "ce-type", "t"),
                publishStructured(missing, "?delay=1s", event("e-1", "/s", 1)))) {
            assertThat(assertProblem(a, 404, "topic-not-found").path("topic").asText()).isEqualTo(missing);
        }
    }

    @Test
    void aBatchOfMoreThanTheLimitIs413AndStoresNothing() {
        String topic = createTopic(1);
        List<String> events = new ArrayList<>();
        for (int i = 0; i <= MAX_BATCH; i++) {
            events.add(event("e-" + i, "/s", i));
        }
        JsonNode problem = assertProblem(publishBatch(topic, "", "[" + String.join(",", events) + "]"), 413, "too-large");
        assertThat(problem.path("limit").asInt()).isEqualTo(MAX_BATCH);

        assertThat(publishBatch(topic, "", "[" + String.join(",", events.subList(0, MAX_BATCH)) + "]").status()).isEqualTo(200);
        assertThat(storedEvents(topic)).hasSize(MAX_BATCH);
    }

    @Test
    void anEventLargerThanTheLimitIs413InEveryModeAndStoresNothing() {
        String topic = createTopic(1);
        String big = "x".repeat(MAX_EVENT_BYTES + 10);
        JsonNode binary = assertProblem(publishBinary(topic, "", big.getBytes(StandardCharsets.UTF_8), "ce-specversion", "1.0",
                "ce-id", "big-1", "ce-source", "/s", "ce-type", "t", "Content-Type", "text/plain"), 413, "too-large");
        assertThat(binary.path("limit").asInt()).isEqualTo(MAX_EVENT_BYTES);
        String bigEvent = "{\"specversion\": \"1.0\", \"id\": \"big-2\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"datacontenttype\": \"text/plain\", \"data\": \"" + big + "\"}";
        assertProblem(publishStructured(topic, "", bigEvent), 413, "too-large");
        JsonNode batch = assertProblem(publishBatch(topic, "", "[" + event("small", "/s", 0) + ", " + bigEvent + "]"), 413, "too-large");
        assertThat(batch.path("index").asInt()).isEqualTo(1);
        assertProblem(publishStructured(topic, "?delay=1s", bigEvent), 413, "too-large");

        String fits = "x".repeat(MAX_EVENT_BYTES / 2);
        assertThat(publishBinary(topic, "", fits.getBytes(StandardCharsets.UTF_8), "ce-specversion", "1.0", "ce-id", "fits",
                "ce-source", "/s", "ce-type", "t", "Content-Type", "text/plain").status()).isEqualTo(200);
        assertThat(ids(storedEvents(topic))).containsExactly("fits");
    }

    @Test
    void anInvalidEventIs400NamingTheAttribute() {
        String topic = createTopic(1);
        String badTrace = "{\"specversion\": \"1.0\", \"id\": \"i-1\", \"source\": \"/s\", \"type\": \"t\", \"traceparent\": \"nope\"}";
        assertThat(assertProblem(publishStructured(topic, "", badTrace), 400, "invalid-event").path("attribute").asText())
                .isEqualTo("traceparent");
        assertThat(assertProblem(publishBinary(topic, "", null, "ce-specversion", "1.0", "ce-id", "i-2", "ce-source", "a%20b",
                "ce-type", "t"), 400, "invalid-event").path("attribute").asText()).isEqualTo("source");
        assertThat(assertProblem(publishStructured(topic, "", "{\"specversion\": \"1.0\", \"id\": \"\", \"source\": \"/s\", "
                + "\"type\": \"t\"}"), 400, "invalid-event").path("attribute").asText()).isEqualTo("id");
        assertThat(assertProblem(publishStructured(topic, "", "{\"specversion\": \"0.3\", \"id\": \"i-3\", \"source\": \"/s\", "
                + "\"type\": \"t\"}"), 400, "invalid-event").path("attribute").asText()).isEqualTo("specversion");
        assertThat(storedEvents(topic)).isEmpty();
    }

    @Test
    void aMissingRequiredAttributeIs400NamingIt() {
        String topic = createTopic(1);
        assertThat(assertProblem(publishStructured(topic, "", "{\"specversion\": \"1.0\", \"id\": \"m-1\", \"source\": \"/s\"}"),
                400, "invalid-event").path("attribute").asText()).isEqualTo("type");
        assertThat(assertProblem(publishBatch(topic, "", "[" + event("m-0", "/s", 0) + ", {\"specversion\": \"1.0\", "
                + "\"type\": \"t\", \"source\": \"/s\"}]"), 400, "invalid-event").path("attribute").asText()).isEqualTo("id");
        assertThat(assertProblem(publishBinary(topic, "", null, "ce-specversion", "1.0", "ce-id", "m-2", "ce-type", "t"),
                400, "invalid-event").path("attribute").asText()).isEqualTo("source");
        assertThat(storedEvents(topic)).isEmpty();
    }

    // ---- the duplicate window

    @Test
    void aRetriedPublishIsAnsweredAsADuplicateWithTheFirstPosition() {
        String topic = createTopic(3);
        JsonNode first = publishStructured(topic, "", event("d-1", "/s", 1)).json().path("events").get(0);
        Http.Answer retry = publishBinary(topic, "", "{\"n\": 1}".getBytes(StandardCharsets.UTF_8), "ce-specversion", "1.0",
                "ce-id", "d-1", "ce-source", "/s", "ce-type", "test.event", "Content-Type", "application/json");

        assertThat(retry.status()).as("%s", retry).isEqualTo(200);
        JsonNode again = retry.json().path("events").get(0);
        assertThat(first.path("duplicate").asBoolean()).isFalse();
        assertThat(again.path("duplicate").asBoolean()).isTrue();
        assertThat(again.path("position").asText()).isEqualTo(first.path("position").asText());
        assertThat(ids(storedEvents(topic))).containsExactly("d-1");
    }

    @Test
    void aPublishRetriedAfterTheServerRestartedIsStillADuplicate() {
        String topic = createTopic(2);
        JsonNode first = publishStructured(topic, "", event("r-1", "/s", 1)).json().path("events").get(0);
        publishStructured(topic, "", event("r-2", "/s", 2));

        fixture.restart();
        http = fixture.http();
        Http.Answer retry = publishBatch(topic, "", "[" + event("r-1", "/s", 1) + ", " + event("r-3", "/s", 3) + "]");

        assertThat(retry.status()).as("%s", retry).isEqualTo(200);
        JsonNode answers = retry.json().path("events");
        assertThat(answers.get(0).path("duplicate").asBoolean()).as("the restarted server read the topic's recent events").isTrue();
        assertThat(answers.get(0).path("position").asText()).isEqualTo(first.path("position").asText());
        assertThat(answers.get(1).path("duplicate").asBoolean()).isFalse();
        assertThat(ids(storedEvents(topic))).containsExactlyInAnyOrder("r-1", "r-2", "r-3");
    }

    @Test
    void aTopicDeletedAndMadeAgainRemembersNothingOfItsFormerEvents() {
        String topic = createTopic(1);
        publishStructured(topic, "", event("gone-1", "/s", 1));
        assertThat(http.delete("/topics/" + topic).status()).isEqualTo(204);
        assertThat(http.postJson("/topics", "{\"name\": \"" + topic + "\"}").status()).isEqualTo(201);

        JsonNode again = publishStructured(topic, "", event("gone-1", "/s", 1)).json().path("events").get(0);

        assertThat(again.path("duplicate").asBoolean()).isFalse();
        assertThat(ids(storedEvents(topic))).containsExactly("gone-1");
    }

    @Test
    void aBatchRetriedInPartStoresOnlyWhatIsNew() {
        String topic = createTopic(1);
        publishBatch(topic, "", "[" + event("p-0", "/s", 0) + ", " + event("p-1", "/s", 1) + "]");
        JsonNode answers = publishBatch(topic, "", "[" + event("p-1", "/s", 1) + ", " + event("p-2", "/s", 2) + ", "
                + event("p-2", "/s", 2) + "]").json().path("events");

        assertThat(answers.get(0).path("duplicate").asBoolean()).isTrue();
        assertThat(answers.get(1).path("duplicate").asBoolean()).isFalse();
        assertThat(answers.get(2).path("duplicate").asBoolean()).as("the same event twice in one batch").isTrue();
        assertThat(answers.get(2).path("position").asText()).isEqualTo(answers.get(1).path("position").asText());
        assertThat(ids(storedEvents(topic))).containsExactly("p-0", "p-1", "p-2");
    }

    @Test
    void concurrentRetriesOfOneEventStoreItOnce() throws Exception {
        String topic = createTopic(2);
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    Http.Answer a = publishStructured(topic, "", event("c-1", "/s", 1));
                    assertThat(a.status()).as("%s", a).isEqualTo(200);
                    return a.json().path("events").get(0);
                }));
            }
            go.countDown();
            Set<String> positions = new HashSet<>();
            int fresh = 0;
            for (Future<JsonNode> f : answers) {
                JsonNode answer = f.get();
                positions.add(answer.path("position").asText());
                fresh += answer.path("duplicate").asBoolean() ? 0 : 1;
            }
            assertThat(fresh).as("answers not marked duplicate").isEqualTo(1);
            assertThat(positions).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ids(storedEvents(topic))).containsExactly("c-1");
    }

    @Test
    void aFailedPublishGivesItsClaimBack() {
        String topic = uniqueName("later");
        assertProblem(publishStructured(topic, "", event("f-1", "/s", 1)), 404, "topic-not-found");
        assertThat(http.postJson("/topics", "{\"name\": \"" + topic + "\"}").status()).isEqualTo(201);

        JsonNode retry = publishStructured(topic, "", event("f-1", "/s", 1)).json().path("events").get(0);
        assertThat(retry.path("duplicate").asBoolean()).isFalse();
        assertThat(retry.has("position")).isTrue();
        assertThat(ids(storedEvents(topic))).containsExactly("f-1");
    }

    @Test
    void theSameIdFromAnotherSourceIsNoDuplicate() {
        String topic = createTopic(1);
        publishStructured(topic, "", event("same", "/a", 1));
        JsonNode other = publishStructured(topic, "", event("same", "/b", 2)).json().path("events").get(0);

        assertThat(other.path("duplicate").asBoolean()).isFalse();
        assertThat(storedEvents(topic)).extracting(e -> e.path("source").asText()).containsExactly("/a", "/b");
    }

    @Test
    void theSameEventOnAnotherTopicIsNoDuplicate() {
        String a = createTopic(1);
        String b = createTopic(1);
        publishStructured(a, "", event("x-1", "/s", 1));
        assertThat(publishStructured(b, "", event("x-1", "/s", 1)).json().path("events").get(0).path("duplicate").asBoolean()).isFalse();
        assertThat(ids(storedEvents(b))).containsExactly("x-1");
    }

    @Test
    void aWindowOfZeroStoresEveryRetry() throws Exception {
        try (ServerFixture noWindow = newFixture(c -> configure(c).withDuplicateWindow(Duration.ZERO))) {
            Http other = noWindow.http();
            String topic = uniqueName("t");
            assertThat(other.postJson("/topics", "{\"name\": \"" + topic + "\"}").status()).isEqualTo(201);
            for (int i = 0; i < 2; i++) {
                Http.Answer a = other.post("/topics/" + topic + "/events", event("z-1", "/s", 1), "Content-Type",
                        "application/cloudevents+json");
                assertThat(a.json().path("events").get(0).path("duplicate").asBoolean()).as("%s", a).isFalse();
            }
            Http saved = http;
            http = other;
            try {
                assertThat(ids(storedEvents(topic))).containsExactly("z-1", "z-1");
            } finally {
                http = saved;
            }
        }
    }

    // ---- delayed events

    @Test
    void aDelayedEventEntersTheTopicAfterItsDelayNotBefore() {
        String topic = createTopic(1);
        Instant sent = Instant.now();
        Http.Answer a = publishStructured(topic, "?delay=2s", event("late", "/s", 1));

        assertThat(a.status()).as("%s", a).isEqualTo(202);
        JsonNode answer = a.json();
        Instant due = Instant.parse(answer.path("deliverAt").asText());
        assertThat(due).isBetween(sent.plusSeconds(2), Instant.now().plusSeconds(2));
        assertThat(answer.path("events").get(0).has("position")).isFalse();
        assertAbsentUntilDue(topic, due);

        JsonNode late = readThrough(topic, "late").getLast();
        assertThat(Instant.parse(late.path("appendTime").asText())).isAfterOrEqualTo(due.minusMillis(1));
        assertThat(late.path("event").path("data").path("n").asInt()).isEqualTo(1);
    }

    @Test
    void eventsPublishedForATimeEnterTheTopicThenInTheirOrder() {
        String topic = createTopic(1);
        Instant due = Instant.now().plusMillis(2500);
        String at = due.atOffset(ZoneOffset.ofHours(2)).toString();
        Http.Answer a = publishBatch(topic, "?deliverAt=" + enc(at), "[" + event("at-0", "/s", 0) + ", " + event("at-1", "/s", 1) + "]");

        assertThat(a.status()).as("%s", a).isEqualTo(202);
        assertThat(Instant.parse(a.json().path("deliverAt").asText())).isEqualTo(due);
        assertAbsentUntilDue(topic, due);

        List<JsonNode> events = readThrough(topic, "at-1");
        assertThat(ids(events)).endsWith("at-0", "at-1");
        assertThat(events.subList(events.size() - 2, events.size())).allSatisfy(e ->
                assertThat(Instant.parse(e.path("appendTime").asText())).isAfterOrEqualTo(due.minusMillis(1)));
    }

    /**
     * A marker published now is read first: the delayed events are not in the topic yet (on one
     * partition the marker is ordered after everything before it). Asserted only if the read
     * ended before they were due, as on any machine not stalled for seconds.
     */
    private void assertAbsentUntilDue(String topic, Instant due) {
        String marker = marker(topic);
        List<String> read = ids(readThrough(topic, marker));
        if (Instant.now().isBefore(due)) {
            assertThat(read).containsExactly(marker);
        }
    }

    @Test
    void aRetriedDelayedPublishIsADuplicateWithoutAPosition() {
        String topic = createTopic(1);
        assertThat(publishStructured(topic, "?delay=500ms", event("dd-1", "/s", 1)).status()).isEqualTo(202);
        Http.Answer retry = publishStructured(topic, "?delay=500ms", event("dd-1", "/s", 1));

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json().path("events").get(0).path("duplicate").asBoolean()).isTrue();
        List<JsonNode> events = readThrough(topic, "dd-1");
        assertThat(ids(storedEvents(topic))).containsExactly("dd-1");
        assertThat(events).hasSize(1);
    }

    @Test
    void badDelaysAre400NamingTheParameter() {
        String topic = createTopic(1);
        String e = event("bd", "/s", 1);
        assertThat(assertProblem(publishStructured(topic, "?delay=soon", e), 400, "invalid-parameter").path("parameter").asText())
                .isEqualTo("delay");
        assertThat(assertProblem(publishStructured(topic, "?delay=-1s", e), 400, "invalid-parameter").path("parameter").asText())
                .isEqualTo("delay");
        assertThat(assertProblem(publishStructured(topic, "?delay=400d", e), 400, "invalid-parameter").path("parameter").asText())
                .isEqualTo("delay");
        assertThat(assertProblem(publishStructured(topic, "?deliverAt=tomorrow", e), 400, "invalid-parameter")
                .path("parameter").asText()).isEqualTo("deliverAt");
        assertProblem(publishStructured(topic, "?delay=1s&deliverAt=" + enc(Instant.now().toString()), e), 400, "invalid-parameter");
        assertThat(storedEvents(topic)).isEmpty();
    }

    // ---- attributes survive publish and read

    @Test
    void extensionValuesSurviveEveryMode() {
        String topic = createTopic(1);
        String value = "a \"quoted\", spaced value: 100% Zürich \uD83D\uDE00";
        String escaped = value.replace("\"", "\\\"");
        publishBinary(topic, "", null, "ce-specversion", "1.0", "ce-id", "x-bin", "ce-source", "/s", "ce-type", "t",
                "ce-note", "a%20%22quoted%22,%20spaced%20value:%20100%25%20Z%C3%BCrich%20%F0%9F%98%80",
                "ce-correlationid", "corr-1");
        publishStructured(topic, "", "{\"specversion\": \"1.0\", \"id\": \"x-str\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"note\": \"" + escaped + "\", \"correlationid\": \"corr-1\"}");
        publishBatch(topic, "", "[{\"specversion\": \"1.0\", \"id\": \"x-bat\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"note\": \"" + escaped + "\", \"correlationid\": \"corr-1\"}]");

        List<JsonNode> events = readThrough(topic, "x-bat");
        assertThat(ids(events)).containsExactly("x-bin", "x-str", "x-bat");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("event").path("note").asText()).isEqualTo(value);
            assertThat(e.path("event").path("correlationid").asText()).isEqualTo("corr-1");
        });
    }

    @Test
    void typedExtensionValuesSurviveAsTheirType() {
        String topic = createTopic(1);
        publishStructured(topic, "", "{\"specversion\": \"1.0\", \"id\": \"typed\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"count\": 42, \"flag\": true}");
        JsonNode event = readThrough(topic, "typed").getLast().path("event");
        assertThat(event.path("count").isInt()).as("%s", event).isTrue();
        assertThat(event.path("count").asInt()).isEqualTo(42);
        assertThat(event.path("flag").isBoolean()).as("%s", event).isTrue();
    }

    @Test
    void aUtcTimeIsKeptExactlyInEveryMode() {
        String topic = createTopic(1);
        String time = "2026-12-07T10:00:00.123456789Z";
        publishBinary(topic, "", null, "ce-specversion", "1.0", "ce-id", "t-bin", "ce-source", "/s", "ce-type", "t", "ce-time", time);
        publishStructured(topic, "", "{\"specversion\": \"1.0\", \"id\": \"t-str\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"time\": \"" + time + "\"}");
        publishBatch(topic, "", "[{\"specversion\": \"1.0\", \"id\": \"t-bat\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"time\": \"" + time + "\"}]");

        assertThat(readThrough(topic, "t-bat")).extracting(e -> e.path("event").path("time").asText()).containsOnly(time);
    }

    @Test
    void aTimeWithAnOffsetIsKeptExactly() {
        String topic = createTopic(1);
        String time = "2026-12-07T10:00:00.123+02:00";
        publishStructured(topic, "", "{\"specversion\": \"1.0\", \"id\": \"t-off\", \"source\": \"/s\", \"type\": \"t\", "
                + "\"time\": \"" + time + "\"}");
        assertThat(readThrough(topic, "t-off").getLast().path("event").path("time").asText()).isEqualTo(time);
    }

    @Test
    void plusJsonDataPublishedInBinaryModeIsReadBackAsJson() {
        String topic = createTopic(1);
        publishBinary(topic, "", "{\"order\": 7, \"lines\": [\"a\"]}".getBytes(StandardCharsets.UTF_8), "ce-specversion", "1.0",
                "ce-id", "vnd-bin", "ce-source", "/s", "ce-type", "t", "Content-Type", "application/vnd.shop+json");

        JsonNode event = readThrough(topic, "vnd-bin").getLast().path("event");
        assertThat(event.path("datacontenttype").asText()).isEqualTo("application/vnd.shop+json");
        assertThat(event.path("data")).as("%s", event).isEqualTo(Json.tree("{\"order\": 7, \"lines\": [\"a\"]}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void plusJsonDataPublishedStructuredIsReadBackAsJson() {
        String topic = createTopic(1);
        Http.Answer a = publishStructured(topic, "", "{\"specversion\": \"1.0\", \"id\": \"vnd-str\", \"source\": \"/s\", "
                + "\"type\": \"t\", \"datacontenttype\": \"application/vnd.shop+json\", \"data\": {\"order\": 7}}");
        assertThat(a.status()).as("%s", a).isEqualTo(200);
        JsonNode event = readThrough(topic, "vnd-str").getLast().path("event");
        assertThat(event.path("data").path("order").asInt()).as("%s", event).isEqualTo(7);
    }

    @Test
    void aPrettyPrintedJsonBodyIsReadBackAsTheSameJson() {
        String topic = createTopic(1);
        String pretty = "{\n  \"order\": 7,\r\n  \"note\": \"two\\nlines\"\n}\n";
        publishBinary(topic, "", pretty.getBytes(StandardCharsets.UTF_8), "ce-specversion", "1.0", "ce-id", "pretty",
                "ce-source", "/s", "ce-type", "t", "Content-Type", "application/json");

        JsonNode event = readThrough(topic, "pretty").getLast().path("event");
        assertThat(event.path("data")).isEqualTo(Json.tree(pretty.getBytes(StandardCharsets.UTF_8)));
    }
}
