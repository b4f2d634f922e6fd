package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Delivery;
import io.herald.broker.Durations;
import io.herald.broker.Position;
import io.herald.error.HeraldException;
import io.herald.event.Event;
import io.herald.http.EventJson;
import io.herald.http.Json;
import io.herald.http.Positions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A delivery the server handed out with a receipt; its verdicts go back by that receipt
 * ({@code POST .../ack|nack|reject|extend}). The first of ack, nack and reject counts and the
 * others do nothing, as {@link Delivery} says; an extend after it does nothing either. A verdict
 * the server refuses — the lease ran out, so the event is delivered again; the subscription was
 * redefined or deleted — or one that does not reach it is logged, not thrown: the delivery is the
 * server's to redeliver then, which is what an embedded broker does with a late verdict.
 *
 * <p>Thread-safe: the verdict is claimed with a compare-and-set; the lease deadline is volatile.
 */
final class RemoteDelivery implements Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteDelivery.class);
    /** The longest reason the server takes; longer ones are cut, marked with an ellipsis. */
    private static final int MAX_REASON = 2000;

    private final ServerConnection server;
    private final String topic;
    private final String subscription;
    private final String receipt;
    private final Event event;
    private final Position position;
    private final Instant appendTime;
    private final int attempt;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Instant leaseDeadline;

    private RemoteDelivery(ServerConnection server, String topic, String subscription, String receipt, Event event, Position position,
                           Instant appendTime, int attempt, Instant leaseDeadline) {
        this.server = server;
        this.topic = topic;
        this.subscription = subscription;
        this.receipt = receipt;
        this.event = event;
        this.position = position;
        this.appendTime = appendTime;
        this.attempt = attempt;
        this.leaseDeadline = leaseDeadline;
    }

    /** A delivery as {@code receive} and the stream write it (see {@link io.herald.http.DeliveryJson}). */
    static RemoteDelivery read(ServerConnection server, String topic, String subscription, JsonNode d) {
        return new RemoteDelivery(server, topic, subscription, d.path("receipt").asText(),
                EventJson.read(d.path("event")), Positions.parse(d.path("position").asText()),
                Instant.parse(d.path("appendTime").asText()), d.path("attempt").asInt(), Instant.parse(d.path("leaseDeadline").asText()));
    }

    @Override
    public Event event() {
        return event;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String subscription() {
        return subscription;
    }

    @Override
    public Position position() {
        return position;
    }

    @Override
    public Instant appendTime() {
        return appendTime;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant leaseDeadline() {
        return leaseDeadline;
    }

    String receipt() {
        return receipt;
    }

    @Override
    public void ack() {
        if (ended.compareAndSet(false, true)) {
            settle("ack", verdict());
        }
    }

    @Override
    public void nack() {
        if (ended.compareAndSet(false, true)) {
            settle("nack", verdict());
        }
    }

    @Override
    public void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        if (ended.compareAndSet(false, true)) {
            settle("nack", verdict().put("delay", Durations.format(delay)));
        }
    }

    @Override
    public void reject(String reason) {
        if (ended.compareAndSet(false, true)) {
            String text = reason == null || reason.isBlank() ? "rejected by the consumer"
                    : reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 3) + "..." : reason;
            settle("reject", verdict().put("reason", text));
        }
    }

    @Override
    public void extend(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a lease extension cannot be negative, got " + by);
        }
        if (by.isZero() || ended.get()) {
            return;
        }
        JsonNode answer = settle("extend", verdict().put("by", Durations.format(by)));
        if (answer != null) {
            JsonNode deadline = answer.path("results").path(0).path("leaseDeadline");
            if (deadline.isTextual()) {
                leaseDeadline = Instant.parse(deadline.asText());
            }
        }
    }

    private ObjectNode verdict() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("receipts").add(receipt);
        return body;
    }

    /** Sends the verdict; the answer, or null when it was refused or did not arrive (logged). */
    private JsonNode settle(String verdict, ObjectNode body) {
        ServerConnection.Request request = ServerConnection.Request.post(RemoteBroker.subscriptionPath(topic, subscription) + "/" + verdict)
                .about(topic).json(body);
        try {
            ServerConnection.Answer answer = server.exchange(request);
            if (answer.ok()) {
                return answer.json();
            }
            LOG.warn("the {} of {} was refused: {}", verdict, this, server.failure(answer, request).getMessage());
        } catch (HeraldException e) {
            LOG.warn("the {} of {} did not reach the server: {}", verdict, this, e.getMessage());
        }
        return null;
    }

    @Override
    public String toString() {
        return "Delivery{" + topic + " " + position + " attempt " + attempt + ", " + event.id() + "}";
    }
}
