package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.Position;
import io.herald.http.Positions;
import io.herald.server.config.ServerConfig;
import io.herald.testkit.ChildJvm;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 1 over HTTP: a publish the server acknowledged survives {@code kill -9} of the server.
 * A child JVM ({@link ServerChild}) serves a data directory; the test creates a topic with fsync
 * ALWAYS and publishes to it from several client threads, single events in binary and
 * structured mode and small batches, recording each event whose publish got a 2xx and the
 * position the answer gave. At a random moment it kills the child with SIGKILL, starts a server
 * on the same directory and reads the topic back over HTTP: every acknowledged event is there
 * exactly once, at its position, with its data, and each client thread's events are in order
 * within a partition; the topic takes new writes. The publishes the kill left unanswered are then
 * retried with the same ids, as a client would: each event ends up in the topic once (those the
 * dead server had stored are answered as duplicates). Rounds accumulate in one directory, so later
 * rounds also recover what earlier kills left. {@code -Dherald.crash.rounds} sets the rounds
 * (failsafe passes the build's setting; {@code -Pcrash-soak} raises it), {@code -Dherald.crash.seed}
 * replays the kill moments.
 */
class ServerCrashIT {

    private static final String TOPIC = "crash";
    private static final int PUBLISHERS = 4;

    @TempDir
    Path dir;

    private final Map<String, Position> acknowledged = new ConcurrentHashMap<>();
    /** Publishes the kill left without an answer: the client retries them after the restart. */
    private final List<Unanswered> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());

    /** A publish that got no answer, as its client would send it again. */
    private record Unanswered(List<String> ids, byte[] body, String[] headers) {
    }

    @Test
    void everyAcknowledgedPublishSurvivesKillDashNine() throws Exception {
        int rounds = Integer.getInteger("herald.crash.rounds", 5);
        long seed = Long.getLong("herald.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            CompletableFuture<URI> url = new CompletableFuture<>();
            try (ChildJvm child = ChildJvm.start(ServerChild.class, line -> {
                if (line.startsWith(ServerChild.READY)) {
                    url.complete(URI.create(line.substring(ServerChild.READY.length()).trim()));
                }
            }, "data=" + dir)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> url.isDone() || !child.isAlive());
                assertThat(url).as("the server started; stderr:%n%s", child.stderr()).isDone();
                Http http = new Http(url.join());
                if (round == 0) {
                    Http.Answer created = http.postJson("/topics", "{\"name\": \"" + TOPIC + "\", \"partitions\": 4, \"fsync\": \"always\"}");
                    assertThat(created.status()).as("%s", created).isEqualTo(201);
                }
                int acksBefore = acknowledged.size();
                AtomicBoolean killed = new AtomicBoolean();
                List<CompletableFuture<Void>> publishers = new ArrayList<>();
                for (int t = 0; t < PUBLISHERS; t++) {
                    int thread = t;
                    String generation = "g" + round;
                    publishers.add(CompletableFuture.runAsync(() -> publishUntilKilled(http, generation, thread, killed),
                            command -> Thread.ofPlatform().start(command)));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() > acksBefore || !child.isAlive());
                assertThat(child.isAlive()).as("child alive; stderr:%n%s", child.stderr()).isTrue();
                long until = System.nanoTime() + Duration.ofMillis(random.nextInt(1000)).toNanos();
                await().pollInterval(Duration.ofMillis(5)).until(() -> System.nanoTime() >= until);
                killed.set(true);
                child.kill();
                CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get();
            }
            verify(round, seed);
        }
    }

    /** Publishes until the server is gone: even threads single events, odd ones batches of 2 to 5. */
    private void publishUntilKilled(Http http, String generation, int thread, AtomicBoolean killed) {
        for (long seq = 0; !killed.get(); ) {
            List<String> ids = new ArrayList<>();
            byte[] body;
            String[] headers;
            if (thread % 2 == 0) {
                String id = id(generation, thread, seq++);
                ids.add(id);
                if (thread % 4 == 0) {
                    body = payload(id).getBytes(StandardCharsets.UTF_8);
                    headers = new String[] {"ce-specversion", "1.0", "ce-id", id, "ce-source", "/crash", "ce-type", "crash.binary",
                            "ce-partitionkey", key(thread, seq), "Content-Type", "text/plain"};
                } else {
                    body = structured(id, thread, seq).getBytes(StandardCharsets.UTF_8);
                    headers = new String[] {"Content-Type", "application/cloudevents+json"};
                }
            } else {
                List<String> batch = new ArrayList<>();
                int size = 2 + (int) (seq % 4);
                for (int i = 0; i < size; i++, seq++) {
                    String id = id(generation, thread, seq);
                    ids.add(id);
                    batch.add(structured(id, thread, seq));
                }
                body = ("[" + String.join(",", batch) + "]").getBytes(StandardCharsets.UTF_8);
                headers = new String[] {"Content-Type", "application/cloudevents-batch+json"};
            }
            Http.Answer answer;
            try {
                answer = http.send("POST", "/topics/" + TOPIC + "/events", body, headers);
            } catch (UncheckedIOException e) {
                // the server is gone (or going): this publish was never acknowledged, and its client will retry it
                unanswered.add(new Unanswered(ids, body, headers));
                return;
            }
            if (answer.status() / 100 != 2) {
                assertThat(killed.get()).as("a publish failed before the kill: %s", answer).isTrue();
                unanswered.add(new Unanswered(ids, body, headers));
                return;
            }
            JsonNode events = answer.json().path("events");
            for (int i = 0; i < ids.size(); i++) {
                acknowledged.put(ids.get(i), Positions.parse(events.get(i).path("position").asText()));
            }
        }
    }

    private static String id(String generation, int thread, long seq) {
        return generation + "-" + thread + "-" + seq;
    }

    private static String key(int thread, long seq) {
        return "k-" + thread + "-" + (seq % 3);
    }

    /** The data of an event: its id, padded so that sizes vary. */
    private static String payload(String id) {
        long seq = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
        return "payload of " + id + " " + "z".repeat((int) (seq % 200));
    }

    private static String structured(String id, int thread, long seq) {
        return "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \"/crash\", \"type\": \"crash.structured\", "
                + "\"partitionkey\": \"" + key(thread, seq) + "\", \"datacontenttype\": \"application/json\", "
                + "\"data\": {\"payload\": \"" + payload(id) + "\"}}";
    }

    /** A new server on the directory: every acknowledged event once, where its answer said, intact and in order. */
    private void verify(int round, long seed) {
        String context = "round " + round + " (seed " + seed + ")";
        try (HeraldServer server = HeraldServer.start(ServerConfig.embedded(dir).withPort(0))) {
            Http http = new Http(server.url());
            List<JsonNode> stored = readAll(http, context);

            Map<String, JsonNode> byId = new HashMap<>();
            for (JsonNode e : stored) {
                JsonNode previous = byId.put(e.path("event").path("id").asText(), e);
                assertThat(previous).as("%s: event %s stored twice", context, e.path("event").path("id").asText()).isNull();
            }
            acknowledged.forEach((id, position) -> {
                JsonNode e = byId.get(id);
                assertThat(e).as("%s: acknowledged %s at %s is there", context, id, position).isNotNull();
                assertThat(e.path("position").asText()).as("%s: position of %s", context, id).isEqualTo(Positions.format(position));
                JsonNode event = e.path("event");
                String data = event.path("type").asText().equals("crash.binary")
                        ? event.path("data").asText()
                        : event.path("data").path("payload").asText();
                assertThat(data).as("%s: data of %s", context, id).isEqualTo(payload(id));
            });
            assertInOrderPerThread(stored, context);
            System.out.printf("%s: %d events stored, %d acknowledged over all rounds%n", context, stored.size(), acknowledged.size());

            retryUnanswered(http, byId, context);

            Http.Answer after = http.post("/topics/" + TOPIC + "/events", structured("after-" + round, 0, 0), "Content-Type",
                    "application/cloudevents+json");
            assertThat(after.status()).as("%s: a publish after recovery: %s", context, after).isEqualTo(200);
        }
    }

    /**
     * The clients retry what the kill left unanswered, with the same ids: an event the dead
     * server had stored is answered as a duplicate at its position (the new server read the
     * topic's recent events before its first publish), one it had not is stored now. Either way
     * each is in the topic once.
     */
    private void retryUnanswered(Http http, Map<String, JsonNode> stored, String context) {
        List<Unanswered> retries;
        synchronized (unanswered) {
            retries = new ArrayList<>(unanswered);
            unanswered.clear();
        }
        int duplicates = 0;
        for (Unanswered retry : retries) {
            Http.Answer answer = http.send("POST", "/topics/" + TOPIC + "/events", retry.body(), retry.headers());
            assertThat(answer.status()).as("%s: a retried publish: %s", context, answer).isEqualTo(200);
            JsonNode events = answer.json().path("events");
            for (int i = 0; i < retry.ids().size(); i++) {
                String id = retry.ids().get(i);
                JsonNode entry = events.get(i);
                JsonNode before = stored.get(id);
                assertThat(entry.path("duplicate").asBoolean()).as("%s: retry of %s is a duplicate exactly when it was stored", context, id)
                        .isEqualTo(before != null);
                if (before != null) {
                    duplicates++;
                    assertThat(entry.path("position").asText()).as("%s: the duplicate of %s answers where it is", context, id)
                            .isEqualTo(before.path("position").asText());
                }
                acknowledged.put(id, Positions.parse(entry.path("position").asText()));
            }
        }
        List<JsonNode> after = readAll(http, context);
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode e : after) {
            assertThat(ids.add(e.path("event").path("id").asText())).as("%s: %s stored once after the retries", context,
                    e.path("event").path("id").asText()).isTrue();
        }
        System.out.printf("%s: %d unanswered publishes retried, %d of their events were stored before the kill%n", context,
                retries.size(), duplicates);
    }

    /** Every event of the topic, following the resume token up to the end offsets. */
    private static List<JsonNode> readAll(Http http, String context) {
        SortedMap<Integer, Long> ends = new TreeMap<>();
        http.get("/topics/" + TOPIC).json().path("partitionDetails")
                .forEach(p -> ends.put(p.path("partition").asInt(), p.path("endOffset").asLong()));
        List<JsonNode> events = new ArrayList<>();
        String from = "earliest";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Http.Answer a = http.get("/topics/" + TOPIC + "/events?max=10000&wait=1s&from=" + URLEncoder.encode(from, StandardCharsets.UTF_8));
            assertThat(a.status()).as("%s: read: %s", context, a).isEqualTo(200);
            JsonNode answer = a.json();
            answer.path("events").forEach(events::add);
            from = answer.path("next").asText();
            SortedMap<Integer, Long> at = Positions.parseList(from);
            if (ends.entrySet().stream().allMatch(end -> at.getOrDefault(end.getKey(), 0L) >= end.getValue())) {
                return events;
            }
            assertThat(System.nanoTime()).as("%s: the read reached %s, not %s", context, from, ends).isLessThan(deadline);
        }
    }

    /** Within a partition, offsets rise one by one, and each publisher thread's sequence numbers rise. */
    private static void assertInOrderPerThread(List<JsonNode> stored, String context) {
        Map<Integer, Long> lastOffset = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (JsonNode e : stored) {
            Position p = Positions.parse(e.path("position").asText());
            Long previousOffset = lastOffset.put(p.partition(), p.offset());
            if (previousOffset != null) {
                assertThat(p.offset()).as("%s: offsets of partition %d", context, p.partition()).isEqualTo(previousOffset + 1);
            }
            String[] parts = e.path("event").path("id").asText().split("-");
            if (parts.length != 3 || !parts[0].startsWith("g")) {
                continue; // an event the verifier published
            }
            String publisher = p.partition() + "/" + parts[0] + "/" + parts[1];
            long seq = Long.parseLong(parts[2]);
            Long previous = lastSeq.put(publisher, seq);
            if (previous != null) {
                assertThat(seq).as("%s: order of %s", context, publisher).isGreaterThan(previous);
            }
        }
    }
}
