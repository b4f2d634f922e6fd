package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Broker;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Names;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.StorageException;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.AbstractBroker;
import io.herald.error.HeraldException;
import io.herald.error.InvalidSpecException;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import io.herald.http.CloudEventsHttp;
import io.herald.http.Json;
import io.herald.http.Positions;
import io.herald.http.SubscriptionJson;
import io.herald.http.TopicJson;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Broker API over a Herald server's HTTP API: what an embedded or a Kafka broker does in
 * process, asked of a server over the network. Each method is one request (or a few) to the
 * route that does the same ({@code POST /topics}, {@code POST /topics/{t}/events}, ...); a
 * problem answer becomes the same typed exception, with the same message, that the server's own
 * broker threw ({@link io.herald.broker.TopicNotFoundException}, {@link io.herald.error.InvalidSpecException},
 * ...); a server that does not answer is a {@link ServerUnreachableException} naming it, a
 * refused token an {@link AccessDeniedException}.
 *
 * <pre>{@code
 * try (Broker broker = RemoteBroker.connect(URI.create("http://127.0.0.1:7070"), Optional.of(token))) {
 *     broker.publish("orders", Event.of("order.placed", "/shop", json)).join();
 * }
 * }</pre>
 *
 * <p>What differs from a broker in process, because the server stands in between:
 * <ul>
 *   <li>a publish waits for the server's answer: the future it returns is complete (an event's
 *       position is known, or a bad one was refused with an exception at once); a failed write
 *       or a server that does not answer fails the future. Calls from one thread are appended in
 *       call order, since each waits for the one before. The server answers a publish of an
 *       event it stored within its duplicate window (same {@code source} and {@code id}) with
 *       the first position instead of storing it again;
 *   <li>consumers, pull and push, are clients of the server's own member of the subscription's
 *       group, which the server ends when the subscription is redefined, reset or deleted: so a
 *       subscription with HTTP consumers can be reset or deleted (they then see a new definition
 *       or the subscription's end), where a broker in process refuses while it has members;
 *   <li>a redrive runs to its end before the call returns (its progress hears the total once).
 * </ul>
 *
 * <p>Names are checked here with the API's own rules ({@link Names}) before they go into a URL
 * path, so a name never changes which route is asked. Thread-safe.
 */
public final class RemoteBroker extends AbstractBroker {

    /** A subscription's filter is read back as its owner wrote it. */
    private static final Set<String> FILTER = Set.of("filter");

    private final ServerConnection server;
    /** What {@link #close()} closes: readers, pull and push subscribers this broker opened. */
    private final Set<AutoCloseable> opened = ConcurrentHashMap.newKeySet();

    private RemoteBroker(ServerConnection server) {
        this.server = server;
    }

    /**
     * A broker on the server at {@code server} ({@code http://host:port}, or {@code https}),
     * presenting {@code token} as a bearer token when given. Asks the server whether it lives
     * ({@code GET /health/live}) so that a wrong address fails here, naming it.
     */
    public static RemoteBroker connect(URI server, Optional<String> token) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(token, "token");
        if (!("http".equals(server.getScheme()) || "https".equals(server.getScheme())) || server.getHost() == null
                || server.getRawQuery() != null || server.getRawFragment() != null) {
            throw new InvalidSpecException("a Herald server's URL is http(s)://HOST:PORT, such as http://127.0.0.1:7070, got '"
                    + server + "'");
        }
        ServerConnection connection = new ServerConnection(server, token.filter(t -> !t.isBlank()));
        try {
            connection.call(ServerConnection.Request.get("/health/live").timeout(ServerConnection.CONNECT_TIMEOUT.multipliedBy(2)));
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        return new RemoteBroker(connection);
    }

    @Override
    protected String describe() {
        return "this client of the Herald server at " + server.base();
    }

    /** The server's URL, as given to {@link #connect}. */
    public URI server() {
        return server.base();
    }

    // ---- topics

    @Override
    protected TopicInfo doCreateTopic(String name, TopicSpec spec) {
        Names.requireValidTopic(name);
        return TopicJson.read(server.call(ServerConnection.Request.post("/topics").about(name).json(TopicJson.writeCreate(name, spec)))
                .json());
    }

    @Override
    protected List<TopicInfo> doListTopics() {
        List<TopicInfo> topics = new ArrayList<>();
        for (JsonNode t : server.call(ServerConnection.Request.get("/topics")).json().path("topics")) {
            topics.add(TopicJson.read(t));
        }
        return topics;
    }

    @Override
    protected TopicInfo doDescribeTopic(String name) {
        return TopicJson.read(server.call(ServerConnection.Request.get(topicPath(name)).about(name)).json());
    }

    @Override
    protected void doDeleteTopic(String name) {
        server.call(ServerConnection.Request.delete(topicPath(name)).about(name));
    }

    // ---- publishing

    /**
     * One request in CloudEvents binary mode: the data is the body, byte for byte, so the broker
     * on the server judges the event's size itself (a JSON string of tens of MB is more than the
     * server's JSON parser takes).
     */
    @Override
    protected CompletableFuture<Position> doPublish(String topic, Event event) {
        ServerConnection.Request request = ServerConnection.Request.post(topicPath(topic) + "/events").about(topic);
        byte[] body = CloudEventsHttp.encodeBinary(event, request::header);
        return send(request.body(body, event.dataContentType().orElse(null)))
                .thenApply(answer -> Positions.parse(answer.path("events").path(0).path("position").asText()));
    }

    /** One batch-mode request ({@code application/cloudevents-batch+json}): the server checks it whole, then writes it. */
    @Override
    protected CompletableFuture<List<Position>> doPublish(String topic, List<Event> events) {
        ServerConnection.Request request = batch(topic, events);
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return send(request).thenApply(answer -> {
            List<Position> positions = new ArrayList<>(events.size());
            for (JsonNode e : answer.path("events")) {
                positions.add(Positions.parse(e.path("position").asText()));
            }
            if (positions.size() != events.size()) {
                throw new HeraldException("the Herald server at " + server.base() + " answered " + positions.size()
                        + " positions for " + events.size() + " events");
            }
            return positions;
        });
    }

    /** {@code POST /topics/{topic}/events?deliverAt=}: the server keeps the events until then. */
    @Override
    protected CompletableFuture<Void> doPublishAt(String topic, List<Event> events, Instant deliverAt) {
        ServerConnection.Request request = batch(topic, events).query("deliverAt", deliverAt.toString());
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return send(request).thenApply(answer -> null);
    }

    private ServerConnection.Request batch(String topic, List<Event> events) {
        String path = topicPath(topic) + "/events";
        ByteArrayOutputStream body = new ByteArrayOutputStream(256 * events.size() + 2);
        body.write('[');
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(exact(events.get(i)));
        }
        body.write(']');
        return ServerConnection.Request.post(path).about(topic).body(body.toByteArray(), CloudEventsHttp.BATCH);
    }

    /**
     * The event in CloudEvents JSON with its data as {@code data_base64}: inline JSON data would
     * be parsed and re-written by the server (spaces gone), and an event's data is its bytes.
     */
    private static byte[] exact(Event event) {
        if (!event.hasData()) {
            return CloudEventsJson.write(event);
        }
        ObjectNode envelope = (ObjectNode) Json.tree(CloudEventsJson.write(event.toBuilder().data((byte[]) null).build()));
        envelope.put("data_base64", Base64.getEncoder().encodeToString(event.data()));
        return Json.write(envelope);
    }

    /**
     * Sends a publish and waits for the answer: what the request got wrong (4xx) is thrown at
     * once, as a broker in process throws bad input; a write that failed on the server (5xx) or a
     * server that does not answer fails the future, as a failed write does.
     */
    private CompletableFuture<JsonNode> send(ServerConnection.Request request) {
        ServerConnection.Answer answer;
        try {
            answer = server.exchange(request);
        } catch (ServerUnreachableException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (answer.ok()) {
            return CompletableFuture.completedFuture(answer.json());
        }
        HeraldException failure = server.failure(answer, request);
        if (answer.status() >= 500 || failure instanceof StorageException) {
            return CompletableFuture.failedFuture(failure);
        }
        throw failure;
    }

    // ---- consuming

    /** Defines the subscription ({@code PUT}), then streams its deliveries to the handler on a thread of its own. */
    @Override
    protected Subscriber doSubscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        Set<Integer> partitions = define(topic, subscription, spec);
        return opened(new RemoteSubscriber(this, server, topic, subscription, spec, handler, partitions));
    }

    /** Defines the subscription ({@code PUT}); each poll is then a long poll of {@code .../receive}. */
    @Override
    protected PullSubscriber doPullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        Set<Integer> partitions = define(topic, subscription, spec);
        return opened(new RemotePullSubscriber(this, server, topic, subscription, spec.retry(), partitions));
    }

    /**
     * Makes sure the subscription exists with this definition; returns the topic's partitions. A
     * subscription that already {@link SubscriptionSpec#definesSameAs defines the same} is left
     * alone: the session timeout and the concurrency belong to each consumer, and a {@code PUT}
     * that differs in them would redefine it, ending the server's consumers of it (the other
     * clients' leases with them). Otherwise {@code PUT .../subscriptions/{name}} creates it at
     * {@code spec.start()} or gives it this definition (consumers in another process make that an
     * {@link io.herald.error.InvalidSpecException}).
     */
    private Set<Integer> define(String topic, String subscription, SubscriptionSpec spec) {
        ServerConnection.Request describe = ServerConnection.Request.get(subscriptionPath(topic, subscription)).about(topic);
        ServerConnection.Answer existing = server.exchange(describe);
        JsonNode answer;
        if (existing.ok() && SubscriptionJson.read(existing.json(FILTER)).spec().definesSameAs(spec, topic, subscription)) {
            answer = existing.json();
        } else {
            if (!existing.ok() && existing.status() != 404) {
                throw server.failure(existing, describe);
            }
            answer = server.call(ServerConnection.Request.put(subscriptionPath(topic, subscription)).about(topic)
                    .json(SubscriptionJson.writeSpec(spec))).json();
        }
        Set<Integer> partitions = new TreeSet<>();
        answer.path("cursors").forEach(c -> partitions.add(c.path("partition").asInt()));
        return partitions;
    }

    /** A reader over long polls of {@code GET /topics/{topic}/events}. */
    @Override
    protected TopicReader doReader(String topic, StartPosition from) {
        return opened(new RemoteTopicReader(this, server, Names.requireValidTopic(topic), from));
    }

    /**
     * A reader that follows the topic live over Server-Sent Events: the server pushes each event
     * as it is appended, where {@link #reader} asks again with every poll. For a tail
     * ({@code herald read --follow}); it reads and reconnects on a thread of its own.
     */
    public TopicReader follow(String topic, StartPosition from) {
        checkOpen();
        Names.requireValidTopic(topic);
        Objects.requireNonNull(from, "from");
        return opened(new LiveTopicReader(this, server, topic, from));
    }

    /**
     * The text of a start position for {@code from}. A position per partition drops those the
     * topic does not have, as the API says it ignores them (the server refuses them instead).
     */
    String startText(String topic, StartPosition position) {
        if (!(position instanceof StartPosition.AtOffsets offsets)) {
            return position.toString();
        }
        int partitions = describeTopic(topic).spec().partitions();
        Map<Integer, Long> held = new TreeMap<>(offsets.offsets().headMap(partitions));
        return held.isEmpty() ? StartPosition.LATEST.toString() : Positions.format(held);
    }

    // ---- subscriptions

    @Override
    protected List<SubscriptionInfo> doListSubscriptions(String topic) {
        JsonNode answer = server.call(ServerConnection.Request.get(topicPath(topic) + "/subscriptions").about(topic)).json(FILTER);
        List<SubscriptionInfo> list = new ArrayList<>();
        for (JsonNode s : answer.path("subscriptions")) {
            list.add(SubscriptionJson.read(s));
        }
        return list;
    }

    @Override
    protected SubscriptionInfo doDescribeSubscription(String topic, String subscription) {
        return SubscriptionJson.read(server.call(ServerConnection.Request.get(subscriptionPath(topic, subscription)).about(topic))
                .json(FILTER));
    }

    @Override
    protected void doResetSubscription(String topic, String subscription, StartPosition to) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("to", to.toString());
        server.call(ServerConnection.Request.post(subscriptionPath(topic, subscription) + "/reset").about(topic).json(body));
    }

    @Override
    protected void doDeleteSubscription(String topic, String subscription) {
        server.call(ServerConnection.Request.delete(subscriptionPath(topic, subscription)).about(topic));
    }

    /** Asks for the queue once (it names the dead-letter topic; an unknown topic or subscription fails here). */
    @Override
    protected DeadLetterQueue doDeadLetters(String topic, String subscription) {
        String deadLetterTopic = server.call(ServerConnection.Request.get(subscriptionPath(topic, subscription) + "/dead-letters")
                .about(topic).query("limit", 1)).json().path("deadLetterTopic").asText();
        return new RemoteDeadLetterQueue(this, server, topic, subscription, deadLetterTopic);
    }

    // ---- lifecycle

    /** Closes the readers and subscribers it opened (push subscribers let their handler calls finish), then the connection. */
    @Override
    protected void doClose() {
        for (AutoCloseable c : List.copyOf(opened)) {
            try {
                c.close();
            } catch (Exception e) {
                // closing the rest matters more
            }
        }
        server.close();
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    void forget(AutoCloseable closeable) {
        opened.remove(closeable);
    }

    /** {@code /topics/{topic}}, the name checked first: it must not change the route. */
    static String topicPath(String topic) {
        return "/topics/" + Names.requireValidTopic(topic);
    }

    static String subscriptionPath(String topic, String subscription) {
        return topicPath(topic) + "/subscriptions/" + Names.requireValidSubscription(subscription);
    }

    @Override
    public String toString() {
        return "RemoteBroker[" + server.base() + "]";
    }
}
