package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.http.Json;
import io.herald.http.Positions;
import io.herald.server.read.ReadRoutes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /topics/{topic}/events} over real HTTP: every form of {@code from}, {@code max},
 * the long poll, the resume token (exact across partitions), the CloudEvents batch answer, the
 * problems, and following a topic as Server-Sent Events with reconnects by {@code Last-Event-ID}.
 */
public abstract class ReadApiContract extends EventsApiContract {

    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);

    /** Publishes {@code count} events {@code prefix-0..}, in batches of up to 7, keyed round the partitions; returns their ids. */
    private List<String> publishEvents(String topic, String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; ) {
            List<String> batch = new ArrayList<>();
            for (int n = 0; n < 7 && i < count; n++, i++) {
                String id = prefix + "-" + i;
                ids.add(id);
                batch.add(keyed(id, "k-" + (i % 5), i));
            }
            Http.Answer a = publishBatch(topic, "", "[" + String.join(",", batch) + "]");
            assertThat(a.status()).as("%s", a).isEqualTo(200);
        }
        return ids;
    }

    private static String keyed(String id, String key, int n) {
        return "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \"/read\", \"type\": \"test.event\", "
                + "\"partitionkey\": \"" + key + "\", \"datacontenttype\": \"application/json\", \"data\": {\"n\": " + n + "}}";
    }

    /** Each partition's offsets, in the order the events were read, rise one by one. */
    private static void assertInOrderPerPartition(List<JsonNode> stored) {
        Map<Integer, Long> last = new HashMap<>();
        for (JsonNode e : stored) {
            var p = Positions.parse(e.path("position").asText());
            Long before = last.put(p.partition(), p.offset());
            if (before != null) {
                assertThat(p.offset()).as("offset after %d in partition %d", before, p.partition()).isEqualTo(before + 1);
            }
        }
    }

    // ---- from

    @Test
    void aReadWithoutWaitAnswersTheEventsTheTopicHolds() {
        String topic = createTopic(3);
        List<String> ids = publishEvents(topic, "e", 20);

        List<JsonNode> read = new ArrayList<>();
        String from = "earliest";
        while (read.size() < ids.size()) {
            JsonNode answer = read(topic, "?from=" + enc(from));
            assertThat(answer.path("events")).as("a read while %d events are unread", ids.size() - read.size()).isNotEmpty();
            answer.path("events").forEach(read::add);
            from = answer.path("next").asText();
        }
        assertThat(ids(read)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(read(topic, "?from=" + enc(from)).path("events")).isEmpty();
    }

    @Test
    void fromEarliestReadsEverythingInOrderPerPartition() {
        String topic = createTopic(3);
        List<String> ids = publishEvents(topic, "e", 30);

        Read read = readToEnd(topic, "earliest");
        assertThat(ids(read.events())).containsExactlyInAnyOrderElementsOf(ids);
        assertInOrderPerPartition(read.events());
        assertThat(read.events()).allSatisfy(e -> {
            assertThat(e.path("appendTime").asText()).isNotEmpty();
            assertThat(e.path("event").path("source").asText()).isEqualTo("/read");
        });
        assertThat(Positions.parseList(read.next())).isEqualTo(endOffsets(topic));
    }

    @Test
    void fromLatestReadsOnlyWhatIsPublishedAfterwards() {
        String topic = createTopic(2);
        publishEvents(topic, "before", 6);
        JsonNode answer = read(topic, "?from=latest");
        assertThat(answer.path("events")).isEmpty();
        assertThat(Positions.parseList(answer.path("next").asText())).isEqualTo(endOffsets(topic));

        List<String> after = publishEvents(topic, "after", 4);
        assertThat(ids(readToEnd(topic, answer.path("next").asText()).events())).containsExactlyInAnyOrderElementsOf(after);
    }

    @Test
    void fromATimeReadsWhatWasAppendedFromThen() {
        String topic = createTopic(2);
        publishEvents(topic, "before", 5);
        Instant lastBefore = readToEnd(topic, "earliest").events().stream()
                .map(e -> Instant.parse(e.path("appendTime").asText())).max(Instant::compareTo).orElseThrow();
        Instant from = lastBefore.plusMillis(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(from.plusMillis(5)));
        List<String> after = publishEvents(topic, "after", 5);

        assertThat(ids(readToEnd(topic, from.toString()).events())).containsExactlyInAnyOrderElementsOf(after);
        String withOffset = from.atOffset(ZoneOffset.ofHoursMinutes(5, 30)).toString();
        assertThat(ids(readToEnd(topic, withOffset).events())).as("from %s", withOffset).containsExactlyInAnyOrderElementsOf(after);
        assertThat(read(topic, "?from=" + enc(Instant.now().plusSeconds(60).toString())).path("events")).isEmpty();
    }

    @Test
    void fromAnOffsetReadsEveryPartitionFromThere() {
        String topic = createTopic(2);
        publishEvents(topic, "e", 12);
        List<JsonNode> all = readToEnd(topic, "earliest").events();

        List<JsonNode> fromTwo = readToEnd(topic, "2").events();
        assertThat(ids(fromTwo)).containsExactlyInAnyOrderElementsOf(ids(all.stream()
                .filter(e -> Positions.parse(e.path("position").asText()).offset() >= 2).toList()));
    }

    @Test
    void fromPositionsReadsEachListedPartitionFromItsOffset() {
        String topic = createTopic(2);
        publishEvents(topic, "e", 12);
        List<JsonNode> all = readToEnd(topic, "earliest").events();

        List<JsonNode> both = readToEnd(topic, "0@1,1@3").events();
        assertThat(ids(both)).containsExactlyInAnyOrderElementsOf(ids(all.stream().filter(e -> {
            var p = Positions.parse(e.path("position").asText());
            return p.offset() >= (p.partition() == 0 ? 1 : 3);
        }).toList()));
        // a partition the list leaves out starts at its end
        List<JsonNode> onlyZero = readToEnd(topic, "0@2").events();
        assertThat(ids(onlyZero)).containsExactlyInAnyOrderElementsOf(ids(all.stream().filter(e -> {
            var p = Positions.parse(e.path("position").asText());
            return p.partition() == 0 && p.offset() >= 2;
        }).toList()));
    }

    // ---- max and the resume token

    @Test
    void maxBoundsTheAnswerAndTheTokenGoesOnFromThere() {
        String topic = createTopic(1);
        List<String> ids = publishEvents(topic, "e", 7);

        List<String> read = new ArrayList<>();
        String from = "earliest";
        for (int expected : new int[] {3, 3, 1}) {
            JsonNode answer = read(topic, "?from=" + enc(from) + "&max=3&wait=5s");
            assertThat(answer.path("events")).hasSize(expected);
            read.addAll(ids(toList(answer.path("events"))));
            from = answer.path("next").asText();
        }
        assertThat(read).containsExactlyElementsOf(ids);
        assertThat(from).isEqualTo("0@7");
    }

    @Test
    void theTokenResumesExactlyAcrossPartitionsWhilePublishesGoOn() throws Exception {
        String topic = createTopic(3);
        List<String> published = new CopyOnWriteArrayList<>(publishEvents(topic, "first", 40));
        AtomicBoolean publishing = new AtomicBoolean(true);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            try {
                for (int round = 0; round < 20; round++) {
                    published.addAll(publishEvents(topic, "more" + round, 3));
                }
            } finally {
                publishing.set(false);
            }
        });

        List<JsonNode> read = new ArrayList<>();
        String from = "earliest";
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (publishing.get() || read.size() < published.size()) {
            JsonNode answer = read(topic, "?from=" + enc(from) + "&max=7&wait=1s");
            answer.path("events").forEach(read::add);
            from = answer.path("next").asText();
            assertThat(System.nanoTime()).as("read %d of %d", read.size(), published.size()).isLessThan(deadline);
        }
        publisher.join();

        assertThat(ids(read)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(published);
        assertInOrderPerPartition(read);
        assertThat(read(topic, "?from=" + enc(from) + "&wait=500ms").path("events")).isEmpty();
    }

    // ---- the long poll

    @Test
    void aLongPollAnswersWithAnEventPublishedDuringTheWait() {
        String topic = createTopic(2);
        String token = read(topic, "?from=latest").path("next").asText();
        CompletableFuture<Http.Answer> poll = CompletableFuture.supplyAsync(
                () -> http.get("/topics/" + topic + "/events?from=" + enc(token) + "&wait=15s"));
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> !poll.isDone());

        publishStructured(topic, "", event("during", "/s", 1));

        Http.Answer answer = poll.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(ids(toList(answer.json().path("events")))).containsExactly("during");
    }

    @Test
    void aLongPollEndsWithAnEmptyAnswerWhenNothingComes() {
        String topic = createTopic(1);
        publishEvents(topic, "e", 2);
        String token = readToEnd(topic, "earliest").next();

        long started = System.nanoTime();
        Http.Answer answer = http.get("/topics/" + topic + "/events?from=" + enc(token) + "&wait=1500ms");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("events")).isEmpty();
        assertThat(answer.json().path("next").asText()).isEqualTo(token);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }

    // ---- the CloudEvents batch answer

    @Test
    void aCloudEventsBatchAnswerCarriesTheTokenInAHeader() {
        String topic = createTopic(2);
        List<String> ids = publishEvents(topic, "e", 9);

        List<String> read = new ArrayList<>();
        String from = "earliest";
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (read.size() < ids.size()) {
            Http.Answer a = http.get("/topics/" + topic + "/events?from=" + enc(from) + "&max=4&wait=1s",
                    "Accept", "application/cloudevents-batch+json");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.header("content-type")).startsWith("application/cloudevents-batch+json");
            JsonNode batch = a.json();
            assertThat(batch.isArray()).as("%s", a).isTrue();
            batch.forEach(e -> {
                assertThat(e.path("specversion").asText()).isEqualTo("1.0");
                read.add(e.path("id").asText());
            });
            from = a.header(ReadRoutes.NEXT_HEADER);
            assertThat(from).isNotBlank();
            assertThat(System.nanoTime()).isLessThan(deadline);
        }
        assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void theBatchAnswerIsChosenFromAListOfAcceptedTypes() {
        String topic = createTopic(1);
        publishEvents(topic, "e", 2);
        Http.Answer batch = http.get("/topics/" + topic + "/events?wait=2s", "Accept",
                "application/cloudevents-batch+json, application/problem+json;q=0.5");
        assertThat(batch.header("content-type")).startsWith("application/cloudevents-batch+json");
        assertThat(batch.json().isArray()).isTrue();

        Http.Answer json = http.get("/topics/" + topic + "/events?wait=2s", "Accept", "application/json, text/event-stream;q=0");
        assertThat(json.header("content-type")).startsWith("application/json");
        assertThat(json.json().path("events")).hasSize(2);
        assertThat(json.header(ReadRoutes.NEXT_HEADER)).isEqualTo(json.json().path("next").asText());
    }

    // ---- problems

    @Test
    void badReadParametersAre400NamingTheParameter() {
        String topic = createTopic(2);
        String base = "/topics/" + topic + "/events";
        assertParameter(http.get(base + "?from=yesterday"), "from");
        assertParameter(http.get(base + "?from=" + enc("0@1,0@2")), "from");
        assertParameter(http.get(base + "?from=" + enc("5@0")), "from");
        assertParameter(http.get(base + "?from=" + enc("0@x")), "from");
        assertParameter(http.get(base + "?max=0"), "max");
        assertParameter(http.get(base + "?max=10001"), "max");
        assertParameter(http.get(base + "?max=many"), "max");
        assertParameter(http.get(base + "?wait=1h"), "wait");
        assertParameter(http.get(base + "?wait=-1s"), "wait");
        assertParameter(http.get(base + "?wait=soon"), "wait");
        assertParameter(http.get(base + "?max=1&max=2"), "max");
        assertParameter(http.get(base, "Accept", "text/event-stream", "Last-Event-ID", "9@0"), "Last-Event-ID");
        assertThat(assertProblem(http.get("/topics/" + uniqueName("missing") + "/events"), 404, "topic-not-found")
                .path("topic").asText()).startsWith("missing-");
    }

    private static void assertParameter(Http.Answer answer, String parameter) {
        JsonNode problem = assertProblem(answer, 400, "invalid-parameter");
        assertThat(problem.path("parameter").asText()).as("%s", answer).isEqualTo(parameter);
        assertThat(problem.path("detail").asText()).contains(parameter);
    }

    // ---- Server-Sent Events

    @Test
    void followingATopicStreamsEventsLiveAndEachIdResumesAfterIt() throws Exception {
        String topic = createTopic(3);
        String token = read(topic, "?from=latest").path("next").asText();
        try (SseReader sse = SseReader.open(http, "/topics/" + topic + "/events?from=" + enc(token))) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.header("content-type")).startsWith("text/event-stream");

            List<String> ids = new ArrayList<>();
            List<SseReader.Event> received = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String id = "live-" + i;
                ids.add(id);
                publishStructured(topic, "", keyed(id, "k-" + i, i));
                SseReader.Event e = sse.next(EVENT_TIMEOUT);
                received.add(e);
                assertThat(stored(e).path("event").path("id").asText()).as("each event arrives once it is published").isEqualTo(id);
            }
            for (int k = 0; k < received.size(); k++) {
                List<String> rest = ids(readToEnd(topic, received.get(k).id()).events());
                assertThat(rest).as("after event %d", k).containsExactlyInAnyOrderElementsOf(ids.subList(k + 1, ids.size()));
            }
        }
    }

    @Test
    void aStreamWithMaxEndsAfterThatManyEvents() throws Exception {
        String topic = createTopic(1);
        publishEvents(topic, "e", 5);
        try (SseReader sse = SseReader.open(http, "/topics/" + topic + "/events?from=earliest&max=3")) {
            List<SseReader.Event> events = sse.take(3, EVENT_TIMEOUT);
            sse.ended().orTimeout(20, TimeUnit.SECONDS).join();
            assertThat(events).extracting(e -> stored(e).path("event").path("id").asText()).containsExactly("e-0", "e-1", "e-2");
            assertThat(events.getLast().id()).isEqualTo("0@3");
            assertThat(sse.pending()).isEmpty();
        }
    }

    @Test
    void aMultiLineJsonBodyIsOneServerSentEvent() throws Exception {
        String topic = createTopic(1);
        String pretty = "{\n  \"order\": 7,\r\n  \"lines\": [\n    1,\r    2\n  ]\n}\n";
        publishBinary(topic, "", pretty.getBytes(StandardCharsets.UTF_8), "ce-specversion", "1.0", "ce-id", "pretty",
                "ce-source", "/s", "ce-type", "t", "Content-Type", "application/json");
        publishStructured(topic, "", event("after", "/s", 2));

        try (SseReader sse = SseReader.open(http, "/topics/" + topic + "/events?from=earliest")) {
            List<SseReader.Event> events = sse.take(2, EVENT_TIMEOUT);
            assertThat(stored(events.get(0)).path("event").path("data")).isEqualTo(Json.tree(pretty.getBytes(StandardCharsets.UTF_8)));
            assertThat(events.get(0).id()).isEqualTo("0@1");
            assertThat(stored(events.get(1)).path("event").path("id").asText()).isEqualTo("after");
        }
    }

    @Test
    void aClientThatReconnectsWithLastEventIdGetsExactlyTheRest() throws Exception {
        String topic = createTopic(3);
        String start = read(topic, "?from=latest").path("next").asText();
        Map<String, Integer> acknowledged = new LinkedHashMap<>();
        AtomicBoolean publishing = new AtomicBoolean(true);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 150; i++) {
                    String id = "r-" + i;
                    Http.Answer a = publishStructured(topic, "", keyed(id, "k-" + (i % 11), i));
                    assertThat(a.status()).as("%s", a).isEqualTo(200);
                    synchronized (acknowledged) {
                        acknowledged.put(id, i);
                    }
                }
            } finally {
                publishing.set(false);
            }
        });

        List<JsonNode> first = new ArrayList<>();
        String lastEventId;
        try (SseReader sse = SseReader.open(http, "/topics/" + topic + "/events?from=" + enc(start))) {
            List<SseReader.Event> events = sse.take(40, EVENT_TIMEOUT);
            events.forEach(e -> first.add(stored(e)));
            lastEventId = events.getLast().id();
        }
        // the gap: publishing goes on while no client is connected
        await().atMost(EVENT_TIMEOUT).until(() -> {
            synchronized (acknowledged) {
                return acknowledged.size() >= first.size() + 30 || !publishing.get();
            }
        });

        List<JsonNode> rest = new ArrayList<>();
        try (SseReader sse = SseReader.open(http, "/topics/" + topic + "/events", "Last-Event-ID", lastEventId)) {
            publisher.join();
            sse.take(acknowledged.size() - first.size(), EVENT_TIMEOUT).forEach(e -> rest.add(stored(e)));
            // and nothing else: a marker published now is the very next event
            String marker = marker(topic);
            assertThat(stored(sse.next(EVENT_TIMEOUT)).path("event").path("id").asText()).isEqualTo(marker);
        }

        List<JsonNode> all = new ArrayList<>(first);
        all.addAll(rest);
        assertThat(ids(all)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acknowledged.keySet());
        assertInOrderPerPartition(all);
    }

    private static JsonNode stored(SseReader.Event e) {
        return Json.tree(e.data().getBytes(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
