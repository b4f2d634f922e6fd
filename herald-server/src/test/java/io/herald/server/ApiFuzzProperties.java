package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.Broker;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.http.Json;
import io.herald.server.http.Route;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Every route with malformed, truncated, oversized, wrongly typed and hostile input — path
 * parameters, query parameters, headers and bodies drawn at random from hostile values and from
 * mutations of good requests: the answer is never a 5xx, an error answer is an RFC 9457
 * problem, a refused request leaves every topic, subscription and dead-letter queue as it was,
 * and the server goes on answering.
 */
class ApiFuzzProperties {

    private static final String TOPIC = "fuzz";
    private static ServerFixture fixture;
    private static List<Route> routes;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final List<String> HOSTILE = List.of("", " ", "..", ".", "../../etc/passwd", "%2e%2e", "__consumer_offsets",
            "a".repeat(300), "\u0000", "\uD83D\uDE00", "' OR 1=1 --", "<script>", "${jndi:ldap://x}", "-1", "0", "99999999999999999999",
            "1e309", "NaN", "null", "true", "{}", "[]", "0@0", "7@3", "-1@-1", "0@", "@0", "0:1-2", "earliest", "latest",
            "2026-13-45T99:99:99Z", "PT-5S", "-5s", "5", "5s", "100d", "9223372036854775807ms", TOPIC, "sub", "dlq");

    @BeforeContainer
    static void start() throws Exception {
        fixture = ServerFixture.embedded(c -> c.withLimits(c.limits().withMaxEventBytes(4096).withMaxBatchEvents(20)
                .withMaxRequestBytes(64 * 1024)));
        routes = fixture.server().routes();
        ensureBaseline();
    }

    @AfterContainer
    static void stop() throws Exception {
        fixture.close();
    }

    /** A topic with events, a subscription and a dead letter; made again when a fuzzed request deleted them. */
    private static void ensureBaseline() {
        Broker broker = fixture.server().broker();
        if (broker.listTopics().stream().noneMatch(t -> t.name().equals(TOPIC))) {
            broker.createTopic(TOPIC, TopicSpec.partitions(2));
        }
        if (broker.describeTopic(TOPIC).eventCount() == 0) {
            for (int i = 0; i < 5; i++) {
                broker.publish(TOPIC, Event.builder().type("fuzz.event").source("/fuzz").partitionKey("k" + i)
                        .json("{\"n\": " + i + "}").build()).join();
            }
        }
        if (broker.listSubscriptions(TOPIC).stream().noneMatch(s -> s.name().equals("sub"))) {
            broker.pullSubscriber(TOPIC, "sub", SubscriptionSpec.ordering(io.herald.broker.Ordering.NONE)
                    .startAt(StartPosition.EARLIEST)).close();
        }
    }

    /** What a refused request must leave as it was. */
    private static Map<String, Object> state() {
        Broker broker = fixture.server().broker();
        Map<String, Object> state = new TreeMap<>();
        for (TopicInfo t : broker.listTopics()) {
            state.put("topic " + t.name(), t.eventCount() + " events, " + t.spec());
            for (SubscriptionInfo s : broker.listSubscriptions(t.name())) {
                state.put("subscription " + t.name() + "/" + s.name(), s.spec() + " cursors " + s.cursors().stream()
                        .map(c -> c.partition() + ":" + c.committed()).toList() + " dead letters "
                        + broker.deadLetters(t.name(), s.name()).count(DeadLetterSelector.all()));
            }
        }
        return state;
    }

    record FuzzRequest(Route route, String path, String query, String contentType, List<String> headers, byte[] body) {
        @Override
        public String toString() {
            return route.method().name() + " " + path + query + " [" + contentType + "] " + headers + " body("
                    + body.length + ")=" + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        }
    }

    @Property(tries = 400)
    void noRequestMakesAServerErrorOrChangesStateWhenRefused(@ForAll("requests") FuzzRequest request) throws Exception {
        ensureBaseline();
        Map<String, Object> before = state();

        HttpRequest.Builder b = HttpRequest.newBuilder(fixture.server().url().resolve(request.path() + request.query()))
                .timeout(Duration.ofSeconds(10))
                .method(request.route().method().name(), HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.contentType() != null) {
            b.header("Content-Type", request.contentType());
        }
        for (int i = 0; i + 1 < request.headers().size(); i += 2) {
            b.header(request.headers().get(i), request.headers().get(i + 1));
        }
        HttpResponse<InputStream> answer;
        try {
            answer = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IllegalArgumentException e) {
            return; // a header value the JDK client itself refuses to send
        } catch (HttpTimeoutException e) {
            throw new AssertionError("no answer in 10 s to " + request, e);
        } catch (java.io.IOException e) {
            throw new AssertionError("no answer to " + request + ": " + e.getMessage(), e);
        }
        int status = answer.statusCode();
        byte[] body;
        boolean stream = answer.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        try (InputStream in = answer.body()) {
            body = stream ? new byte[0] : in.readAllBytes();
        }
        assertThat(status).as("status of %s: %s", request, new String(body, StandardCharsets.UTF_8)).isLessThan(500);
        if (status >= 400) {
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).as("%s", request).startsWith("application/problem+json");
            JsonNode problem = Json.MAPPER.readTree(body);
            assertThat(problem.path("type").asText()).startsWith("/problems/");
            assertThat(problem.path("status").asInt()).isEqualTo(status);
            assertThat(problem.path("detail").asText()).isNotBlank();
            assertThat(state()).as("state after the refused %s", request).isEqualTo(before);
        }
        assertThat(fixture.http().get("/health/ready").status()).isEqualTo(200);
    }

    @Provide
    Arbitrary<FuzzRequest> requests() {
        Arbitrary<Route> route = Arbitraries.of(routes);
        Arbitrary<String> pathValue = Arbitraries.oneOf(Arbitraries.of(TOPIC, "sub", "0@0", "1", "swagger-ui.css"),
                Arbitraries.of(HOSTILE), Arbitraries.strings().ofMaxLength(40));
        Arbitrary<String> query = Combinators.combine(
                Arbitraries.of("max", "wait", "from", "lease", "credits", "delay", "deliverAt", "match", "range", "limit", "x")
                        .list().ofMaxSize(3),
                Arbitraries.oneOf(Arbitraries.of(HOSTILE), Arbitraries.strings().ofMaxLength(30)).list().ofSize(3))
                .as((names, values) -> {
                    StringBuilder q = new StringBuilder();
                    for (int i = 0; i < names.size(); i++) {
                        q.append(i == 0 ? "?" : "&").append(names.get(i)).append('=')
                                .append(URLEncoder.encode(values.get(i), StandardCharsets.UTF_8));
                    }
                    return q.toString();
                });
        Arbitrary<String> contentType = Arbitraries.of("application/json", "application/cloudevents+json",
                "application/cloudevents-batch+json", "text/plain", "application/x-www-form-urlencoded", "garbage/;;;", "");
        Arbitrary<List<String>> headers = Arbitraries.oneOf(Arbitraries.just(List.<String>of()),
                Arbitraries.of(List.of("ce-specversion", "1.0", "ce-id", "x", "ce-source", "/s", "ce-type", "t"),
                        List.of("ce-specversion", "0.3", "ce-id", "x"), List.of("ce-specversion", "1.0", "ce-time", "yesterday",
                                "ce-id", "x", "ce-source", "/s", "ce-type", "t"),
                        List.of("ce-specversion", "1.0", "ce-id", "%zz%", "ce-source", "::", "ce-type", "t", "ce-traceparent", "zz"),
                        List.of("Accept", "application/cloudevents-batch+json"), List.of("Last-Event-ID", "9@9,garbage"),
                        List.of("Herald-Forwarded", "true")));
        Arbitrary<byte[]> body = Arbitraries.oneOf(goodBodies().map(b -> b.getBytes(StandardCharsets.UTF_8)),
                goodBodies().flatMap(ApiFuzzProperties::mutate), hostileBodies());
        return Combinators.combine(route, pathValue, pathValue, query, contentType, headers, body)
                .as((r, v1, v2, q, ct, h, bd) -> {
                    String path = r.path().replace("{topic}", encode(v1)).replace("{subscription}", encode(v2))
                            .replace("{position}", encode(v2)).replace("{job}", encode(v2)).replace("{file}", encode(v2));
                    return new FuzzRequest(r, path, q, ct.isEmpty() ? null : ct, h, bd);
                });
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Arbitrary<String> goodBodies() {
        return Arbitraries.of(
                "{\"name\": \"fuzz-new\", \"partitions\": 2, \"retention\": \"1d\"}",
                "{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/s\", \"type\": \"t\", \"data\": {\"a\": 1}}",
                "[{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/s\", \"type\": \"t\"}]",
                "{\"ordering\": \"key\", \"start\": \"earliest\", \"filter\": {\"type\": [\"t\"]}, \"retry\": {\"maxAttempts\": 3}}",
                "{\"receipts\": [\"abc.def\"], \"delay\": \"1s\", \"reason\": \"r\", \"by\": \"5s\"}",
                "{\"to\": \"earliest\"}",
                "{\"match\": {\"type\": [\"t\"]}, \"dryRun\": true, \"perSecond\": 5, \"toTopic\": \"fuzz\"}",
                "{\"all\": true, \"dryRun\": true}");
    }

    private static Arbitrary<byte[]> mutate(String good) {
        byte[] bytes = good.getBytes(StandardCharsets.UTF_8);
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, bytes.length).map(n -> java.util.Arrays.copyOf(bytes, n));
        Arbitrary<byte[]> flipped = Combinators.combine(Arbitraries.integers().between(0, bytes.length - 1), Arbitraries.bytes())
                .as((i, v) -> {
                    byte[] copy = bytes.clone();
                    copy[i] = v;
                    return copy;
                });
        Arbitrary<byte[]> retyped = Arbitraries.of("\"1\"", "1", "true", "null", "[]", "{}", "-1", "1e400", "\"" + "x".repeat(5000) + "\"")
                .map(v -> good.replaceFirst(":\\s*(\"[^\"]*\"|\\d+|true|\\{[^}]*\\})", ": " + v).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(truncated, flipped, retyped);
    }

    private static Arbitrary<byte[]> hostileBodies() {
        return Arbitraries.oneOf(
                Arbitraries.just("[".repeat(100_000).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(("{\"a\":" .repeat(5000) + "1" + "}".repeat(5000)).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(new byte[70 * 1024]),
                Arbitraries.just(("[" + "{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/s\", \"type\": \"t\"},".repeat(30)
                        + "{\"specversion\": \"1.0\", \"id\": \"2\", \"source\": \"/s\", \"type\": \"t\"}]").getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just(("{\"specversion\": \"1.0\", \"id\": \"1\", \"source\": \"/s\", \"type\": \"t\", \"data\": \""
                        + "x".repeat(8000) + "\"}").getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.just(new byte[0]));
    }

}
