package io.herald.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The Herald server over HTTP/1.1 from this process, with the JDK's {@link HttpClient} (one
 * client, so a pool of keep-alive connections: one per request in flight). The requests are the
 * API's own, as {@code openapi.yaml} and the API contracts show them:
 * <ul>
 *   <li>topics: {@code POST /topics {"name", "partitions", "fsync": "never"}}, {@code DELETE /topics/{t}};</li>
 *   <li>batch publish: {@code POST /topics/{t}/events}, {@code Content-Type: application/cloudevents-batch+json};</li>
 *   <li>single publish: the same in binary mode ({@code ce-*} headers, the data as the body);</li>
 *   <li>receive: {@code PUT} a subscription ({@code ordering none, start earliest}), then
 *       {@code POST .../receive?max=100&wait=1s} and {@code POST .../ack {"receipts": [...]}};</li>
 *   <li>follow: {@code GET /topics/{t}/events?from=latest}, {@code Accept: text/event-stream};</li>
 *   <li>push: {@code PUT} a subscription with {@code ordering key, concurrency, webhook {url}}.</li>
 * </ul>
 * Any answer other than the expected status fails the run with the answer's body.
 */
final class HeraldHttpSystem implements ServerSystem {

    static final int RECEIVE_MAX = 100;
    /**
     * Requests in flight at most (streams not counted), so connections at most: an open-loop
     * publisher that meets a stalled server queues here, charged from its due time, instead of
     * opening hundreds of connections at once (more than the server's accept queue takes, which
     * then resets some of them).
     */
    static final int MAX_CONNECTIONS = 64;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonFactory JSON = new JsonFactory();

    private final URI base;
    private final HttpClient client;
    private final java.util.concurrent.Semaphore connections = new java.util.concurrent.Semaphore(MAX_CONNECTIONS);

    HeraldHttpSystem(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public String column() {
        return "Herald";
    }

    @Override
    public void createTopic(String topic, int partitions) throws Exception {
        expect(201, send(request("/topics").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + topic + "\", \"partitions\": " + partitions
                        + ", \"fsync\": \"never\"}"))));
    }

    @Override
    public void deleteTopic(String topic) throws Exception {
        expect(204, send(request("/topics/" + topic).DELETE()));
    }

    @Override
    public void publishBatch(String topic, byte[][] events) throws Exception {
        expect(200, send(request("/topics/" + topic + "/events").header("Content-Type", "application/cloudevents-batch+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(WireEvents.batch(events)))));
    }

    @Override
    public void publishOne(String topic, String id, String key, long due) throws Exception {
        HttpRequest.Builder b = request("/topics/" + topic + "/events")
                .header("ce-specversion", "1.0")
                .header("ce-id", id)
                .header("ce-source", WireEvents.SOURCE)
                .header("ce-type", WireEvents.TYPE)
                .header("Content-Type", "application/json");
        if (key != null) {
            b.header("ce-partitionkey", key);
        }
        expect(200, send(b.POST(HttpRequest.BodyPublishers.ofByteArray(WireEvents.data(due)))));
    }

    @Override
    public Receiver receiver(String topic, String subscription) throws Exception {
        String path = "/topics/" + topic + "/subscriptions/" + subscription;
        HttpResponse<byte[]> put = send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ordering\": \"none\", \"start\": \"earliest\"}")));
        if (put.statusCode() != 200 && put.statusCode() != 201) {
            expect(201, put);
        }
        HttpRequest receive = request(path + "/receive?max=" + RECEIVE_MAX + "&wait=1s").POST(HttpRequest.BodyPublishers.noBody()).build();
        return new Receiver() {
            @Override
            public int receiveAndAck() throws Exception {
                HttpResponse<byte[]> got = send(receive);
                expect(200, got);
                List<String> receipts = receipts(got.body());
                if (receipts.isEmpty()) {
                    return 0;
                }
                StringBuilder ack = new StringBuilder(32 + receipts.size() * (receipts.getFirst().length() + 3));
                ack.append("{\"receipts\":[");
                for (int i = 0; i < receipts.size(); i++) {
                    ack.append(i == 0 ? "\"" : ",\"").append(receipts.get(i)).append('"');
                }
                ack.append("]}");
                expect(200, send(request(path + "/ack").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(ack.toString()))));
                return receipts.size();
            }

            @Override
            public void close() {
            }
        };
    }

    /** The {@code receipt} members of a receive answer, read with a streaming parser. */
    static List<String> receipts(byte[] body) throws IOException {
        List<String> receipts = new ArrayList<>(RECEIVE_MAX);
        try (JsonParser p = JSON.createParser(body)) {
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        // {"deliveries": [ {"receipt": ...} ]}: a delivery's members are at depth 3
                        if (depth == 3 && p.currentName().equals("receipt")) {
                            p.nextToken();
                            receipts.add(p.getText());
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return receipts;
    }

    @Override
    public AutoCloseable follow(String topic, LongConsumer arrival) throws Exception {
        HttpRequest request = request("/topics/" + topic + "/events?from=latest").header("Accept", "text/event-stream").GET()
                .timeout(Duration.ofDays(1)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            throw new IllegalStateException("GET " + request.uri() + " answered " + response.statusCode() + ": " + body);
        }
        InputStream in = response.body();
        Thread reader = Thread.ofVirtual().name("sse-" + topic).start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data: ")) {
                        long due = WireEvents.due(line);
                        if (due >= 0) {
                            arrival.accept(due);
                        }
                    }
                }
            } catch (IOException closed) {
                // the stream was closed by close() or by the server
            }
        });
        return () -> {
            in.close();
            reader.join(5_000);
        };
    }

    @Override
    public AutoCloseable pushTo(String topic, String subscription, URI url, int concurrency) throws Exception {
        String path = "/topics/" + topic + "/subscriptions/" + subscription;
        expect(201, send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ordering\": \"key\", \"start\": \"earliest\", \"concurrency\": "
                        + concurrency + ", \"webhook\": {\"url\": \"" + url + "\"}}"))));
        return () -> expect(204, send(request(path).DELETE()));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request.build());
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        connections.acquire();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } finally {
            connections.release();
        }
    }

    private static void expect(int status, HttpResponse<byte[]> response) {
        if (response.statusCode() != status) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + " (expected " + status + "): " + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
