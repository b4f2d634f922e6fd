package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Delivery;
import io.herald.broker.Durations;
import io.herald.broker.RetryAfterException;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.broker.spi.AbstractDelivery;
import io.herald.error.HeraldException;
import io.herald.http.EventJson;
import io.herald.http.Json;
import io.herald.http.Positions;
import java.time.Duration;
import java.time.Instant;
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
 * <p>The server takes verdicts, not exceptions, so a push handler's failure is judged here, as far
 * as a verdict can carry it: an error the retry policy calls permanent is rejected, a
 * {@link RetryAfterException} is nacked with its delay, anything else is nacked.
 *
 * <p>Thread-safe: the verdict is claimed by the base's compare-and-set; the lease deadline is volatile.
 */
final class RemoteDelivery extends AbstractDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteDelivery.class);
    /** The longest reason the server takes; longer ones are cut, marked with an ellipsis. */
    private static final int MAX_REASON = 2000;

    private final ServerConnection server;
    private final RetryPolicy retry;
    private final String receipt;
    private volatile Instant leaseDeadline;

    private RemoteDelivery(ServerConnection server, RetryPolicy retry, String subscription, String receipt, StoredEvent stored,
                           int attempt, Instant leaseDeadline) {
        super(stored.topic(), subscription, stored, attempt);
        this.server = server;
        this.retry = retry;
        this.receipt = receipt;
        this.leaseDeadline = leaseDeadline;
    }

    /**
     * A delivery as {@code receive} and the stream write it (see {@link io.herald.http.DeliveryJson}),
     * of a subscription whose policy is {@code retry}.
     */
    static RemoteDelivery read(ServerConnection server, String topic, String subscription, RetryPolicy retry, JsonNode d) {
        StoredEvent stored = new StoredEvent(topic, Positions.parse(d.path("position").asText()),
                Instant.parse(d.path("appendTime").asText()), EventJson.read(d.path("event")));
        return new RemoteDelivery(server, retry, subscription, d.path("receipt").asText(), stored, d.path("attempt").asInt(),
                Instant.parse(d.path("leaseDeadline").asText()));
    }

    @Override
    public Instant leaseDeadline() {
        return leaseDeadline;
    }

    @Override
    protected void onAck() {
        settle("ack", verdict());
    }

    @Override
    protected void onNack(Duration delay, Throwable error) {
        if (error != null && retry.isPermanent(error)) {
            onReject("permanent error " + error.getClass().getName());
            return;
        }
        Duration after = error instanceof RetryAfterException later ? later.retryAfter() : delay;
        settle("nack", after == null ? verdict() : verdict().put("delay", Durations.format(after)));
    }

    @Override
    protected void onReject(String reason) {
        String text = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON - 3) + "..." : reason;
        settle("reject", verdict().put("reason", text));
    }

    @Override
    protected void onExtend(Duration by) {
        if (by.isZero()) {
            return; // nothing to ask the server for
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
        ServerConnection.Request request = ServerConnection.Request.post(RemoteBroker.subscriptionPath(topic(), subscription()) + "/" + verdict)
                .about(topic()).json(body);
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
}
