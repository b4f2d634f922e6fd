package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.http.Positions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the publish and read contracts share: publishing in each CloudEvents HTTP mode, and
 * reading a topic back over {@code GET /topics/{topic}/events} until a known event arrives.
 * Reads that must prove something absent read up to a positive signal: the end offsets of every
 * partition ({@link #storedEvents}), or on a topic of one partition a marker published after it.
 */
public abstract class EventsApiContract extends ApiContract {

    /** How long a read may take to see events that are already acknowledged. */
    protected static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    protected Http.Answer publishBinary(String topic, String query, byte[] body, String... headers) {
        return http.send("POST", "/topics/" + topic + "/events" + query, body, headers);
    }

    protected Http.Answer publishStructured(String topic, String query, String eventJson) {
        return http.post("/topics/" + topic + "/events" + query, eventJson, "Content-Type", "application/cloudevents+json");
    }

    protected Http.Answer publishBatch(String topic, String query, String arrayJson) {
        return http.post("/topics/" + topic + "/events" + query, arrayJson, "Content-Type", "application/cloudevents-batch+json");
    }

    /** A structured event with this id and source, and {@code {"n": n}} as data. */
    protected static String event(String id, String source, int n) {
        return "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \"" + source + "\", \"type\": \"test.event\", "
                + "\"datacontenttype\": \"application/json\", \"data\": {\"n\": " + n + "}}";
    }

    /** Publishes a marker event (unique id) and returns its id. */
    protected String marker(String topic) {
        String id = "marker-" + UUID.randomUUID();
        Http.Answer a = publishStructured(topic, "", event(id, "/marker", -1));
        assertThat(a.status()).as("marker publish: %s", a).isEqualTo(200);
        return id;
    }

    /** A query parameter value, percent-encoded ({@code +} in an offset must not turn into a space). */
    protected static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** One read; asserts a 200 and returns the JSON envelope. */
    protected JsonNode read(String topic, String query) {
        Http.Answer a = http.get("/topics/" + topic + "/events" + query);
        assertThat(a.status()).as("read %s: %s", query, a).isEqualTo(200);
        return a.json();
    }

    /**
     * Reads from earliest, following the resume token, until an event with {@code id} arrives;
     * returns every stored event read, that one included (the stored form: position,
     * appendTime, event).
     */
    protected List<JsonNode> readThrough(String topic, String id) {
        List<JsonNode> events = new ArrayList<>();
        String from = "earliest";
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (true) {
            JsonNode answer = read(topic, "?from=" + enc(from) + "&max=1000&wait=2s");
            for (JsonNode e : answer.path("events")) {
                events.add(e);
                if (e.path("event").path("id").asText().equals(id)) {
                    return events;
                }
            }
            from = answer.path("next").asText();
            assertThat(System.nanoTime()).as("event %s did not arrive in %s; read so far: %s", id, READ_TIMEOUT, events)
                    .isLessThan(deadline);
        }
    }

    /** What a read up to the end of a topic gave: the events in their stored form, and the resume token after them. */
    protected record Read(List<JsonNode> events, String next) {
    }

    /**
     * Every event the topic holds now: reads from earliest until the resume token reaches the
     * end offsets {@code GET /topics/{topic}} gives, in every partition (a marker would not do on
     * several partitions: it may be read before an event of another partition). Returns the
     * events (the CloudEvents JSON, not the stored form).
     */
    protected List<JsonNode> storedEvents(String topic) {
        return readToEnd(topic, "earliest").events().stream().map(e -> e.path("event")).toList();
    }

    /** The topic's end offsets now, per partition. */
    protected SortedMap<Integer, Long> endOffsets(String topic) {
        SortedMap<Integer, Long> ends = new TreeMap<>();
        Http.Answer described = http.get("/topics/" + topic);
        assertThat(described.status()).as("describe %s: %s", topic, described).isEqualTo(200);
        described.json().path("partitionDetails").forEach(p -> ends.put(p.path("partition").asInt(), p.path("endOffset").asLong()));
        return ends;
    }

    /** Reads from {@code from}, following the resume token, until it reaches the end offsets the topic has now. */
    protected Read readToEnd(String topic, String from) {
        SortedMap<Integer, Long> ends = endOffsets(topic);
        List<JsonNode> events = new ArrayList<>();
        String next = from;
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (true) {
            JsonNode answer = read(topic, "?from=" + enc(next) + "&max=1000&wait=1s");
            answer.path("events").forEach(events::add);
            next = answer.path("next").asText();
            SortedMap<Integer, Long> at = Positions.parseList(next);
            if (ends.entrySet().stream().allMatch(end -> at.getOrDefault(end.getKey(), 0L) >= end.getValue())) {
                return new Read(events, next);
            }
            assertThat(System.nanoTime()).as("the read did not reach %s in %s; at %s", ends, READ_TIMEOUT, next).isLessThan(deadline);
        }
    }

    protected static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.has("event") ? e.path("event") : e).map(e -> e.path("id").asText()).toList();
    }
}
