package io.herald.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The Herald server over HTTP/1.1 from this process, with {@link Http1Client}: keep-alive
 * connections, one per request in flight, at most {@link #MAX_CONNECTIONS}. (The JDK's
 * {@code HttpClient} spent about as much CPU per request as the server did; see
 * {@link Http1Client}.) The requests are the API's own, as {@code openapi.yaml} and the API
 * contracts show them:
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
    private static final JsonFactory JSON = new JsonFactory();

    private final Http1Client client;

    HeraldHttpSystem(URI base) {
        this.client = new Http1Client(base, MAX_CONNECTIONS);
    }

    @Override
    public String column() {
        return "Herald";
    }

    @Override
    public void createTopic(String topic, int partitions) throws Exception {
        expect(201, "POST /topics", client.exchange("POST", "/topics", utf8("{\"name\": \"" + topic + "\", \"partitions\": " + partitions
                + ", \"fsync\": \"never\"}"), "Content-Type", "application/json"));
    }

    @Override
    public void deleteTopic(String topic) throws Exception {
        expect(204, "DELETE /topics/" + topic, client.exchange("DELETE", "/topics/" + topic, null));
    }

    @Override
    public void publishBatch(String topic, byte[][] events) throws Exception {
        String path = "/topics/" + topic + "/events";
        expect(200, "POST " + path, client.exchange("POST", path, WireEvents.batch(events),
                "Content-Type", "application/cloudevents-batch+json"));
    }

    @Override
    public void publishOne(String topic, String id, String key, long due) throws Exception {
        String path = "/topics/" + topic + "/events";
        byte[] data = WireEvents.data(due);
        Http1Client.Response r = key == null
                ? client.exchange("POST", path, data, "ce-specversion", "1.0", "ce-id", id, "ce-source", WireEvents.SOURCE,
                        "ce-type", WireEvents.TYPE, "Content-Type", "application/json")
                : client.exchange("POST", path, data, "ce-specversion", "1.0", "ce-id", id, "ce-source", WireEvents.SOURCE,
                        "ce-type", WireEvents.TYPE, "Content-Type", "application/json", "ce-partitionkey", key);
        expect(200, "POST " + path, r);
    }

    @Override
    public Receiver receiver(String topic, String subscription) throws Exception {
        String path = "/topics/" + topic + "/subscriptions/" + subscription;
        Http1Client.Response put = client.exchange("PUT", path, utf8("{\"ordering\": \"none\", \"start\": \"earliest\"}"),
                "Content-Type", "application/json");
        if (put.status() != 200 && put.status() != 201) {
            expect(201, "PUT " + path, put);
        }
        String receive = path + "/receive?max=" + RECEIVE_MAX + "&wait=1s";
        return new Receiver() {
            @Override
            public int receiveAndAck() throws Exception {
                Http1Client.Response got = client.exchange("POST", receive, null);
                expect(200, "POST " + receive, got);
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
                expect(200, "POST " + path + "/ack", client.exchange("POST", path + "/ack", utf8(ack.toString()),
                        "Content-Type", "application/json"));
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
        String path = "/topics/" + topic + "/events?from=latest";
        Http1Client.Stream stream = client.stream("GET", path, "Accept", "text/event-stream");
        if (stream.status() != 200) {
            String body = new String(stream.body().readNBytes(2000), StandardCharsets.UTF_8);
            stream.close();
            throw new IllegalStateException("GET " + path + " answered " + stream.status() + ": " + body);
        }
        Thread reader = Thread.ofVirtual().name("sse-" + topic).start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8), 64 * 1024)) {
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
            stream.close();
            reader.join(5_000);
        };
    }

    @Override
    public AutoCloseable pushTo(String topic, String subscription, URI url, int concurrency) throws Exception {
        String path = "/topics/" + topic + "/subscriptions/" + subscription;
        expect(201, "PUT " + path, client.exchange("PUT", path, utf8("{\"ordering\": \"key\", \"start\": \"earliest\", \"concurrency\": "
                + concurrency + ", \"webhook\": {\"url\": \"" + url + "\"}}"), "Content-Type", "application/json"));
        return () -> expect(204, "DELETE " + path, client.exchange("DELETE", path, null));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void expect(int status, String request, Http1Client.Response response) {
        if (response.status() != status) {
            String body = response.text();
            throw new IllegalStateException(request + " answered " + response.status() + " (expected " + status + "): "
                    + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
