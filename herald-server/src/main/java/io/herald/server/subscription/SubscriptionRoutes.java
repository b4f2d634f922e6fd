package io.herald.server.subscription;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Broker;
import io.herald.broker.InvalidSpecException;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.http.Json;
import io.herald.http.JsonFields;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.http.SubscriptionJson;
import io.herald.server.auth.Access;
import io.herald.server.auth.Permission;
import io.herald.server.http.Api;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Subscriptions: {@code PUT} creates one (201) or changes its definition (200; the server's own
 * consumers of it are closed and reopened, and another process's consumers make it a 409),
 * {@code GET} lists them or describes one with its cursors, lag in events and in seconds, and
 * stats, {@code DELETE} removes it, {@code POST .../reset} moves its cursor.
 */
public final class SubscriptionRoutes implements Api.Resource {

    private static final Set<String> RESET_MEMBERS = Set.of("to");

    private final Broker broker;
    private final Receivers receivers;
    private final DeliveryStreams streams;
    private final Clock clock;

    SubscriptionRoutes(Broker broker, Receivers receivers, DeliveryStreams streams, Clock clock) {
        this.broker = broker;
        this.receivers = receivers;
        this.streams = streams;
        this.clock = clock;
    }

    @Override
    public void addTo(Api api) {
        String one = "/topics/{topic}/subscriptions/{subscription}";
        api.get("/topics/{topic}/subscriptions", Access.onTopic(Permission.CONSUME), this::list);
        api.put(one, Access.onTopic(Permission.CONSUME), this::put);
        api.get(one, Access.onTopic(Permission.CONSUME), this::describe);
        api.delete(one, Access.onTopic(Permission.ADMIN), this::delete);
        api.post(one + "/reset", Access.onTopic(Permission.CONSUME), this::reset);
    }

    private void list(Context ctx) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode list = body.putArray("subscriptions");
        for (SubscriptionInfo info : broker.listSubscriptions(ctx.pathParam("topic"))) {
            list.add(SubscriptionJson.write(info, Optional.empty()));
        }
        ctx.json(body);
    }

    private void put(Context ctx) {
        String topic = ctx.pathParam("topic");
        String name = ctx.pathParam("subscription");
        SubscriptionJson.Put request = SubscriptionJson.parsePut(Json.object(ctx.bodyAsBytes()));
        if (request.webhook().isPresent()) {
            throw new ProblemException(Problem.badField("webhook", "webhooks are not available on this server yet"));
        }
        broker.describeTopic(topic);
        Optional<SubscriptionInfo> existing = find(topic, name);
        boolean existed = existing.isPresent();
        if (existing.isPresent() && sameDefinition(existing.get().spec(), request.spec())) {
            ctx.json(SubscriptionJson.write(existing.get(), SubscriptionLag.seconds(broker, existing.get(), clock)));
            return;
        }
        // the server's own consumers would keep the old definition in use
        release(topic, name);
        try {
            broker.pullSubscriber(topic, name, request.spec()).close();
        } catch (InvalidSpecException e) {
            if (existed && e.getMessage().contains("in use")) {
                throw new ProblemException(Problem.conflict("subscription-in-use", e.getMessage()));
            }
            throw e;
        }
        SubscriptionInfo info = broker.describeSubscription(topic, name);
        ctx.status(existed ? 200 : 201);
        if (!existed) {
            ctx.header("Location", "/topics/" + topic + "/subscriptions/" + name);
        }
        ctx.json(SubscriptionJson.write(info, SubscriptionLag.seconds(broker, info, clock)));
    }

    private void describe(Context ctx) {
        SubscriptionInfo info = broker.describeSubscription(ctx.pathParam("topic"), ctx.pathParam("subscription"));
        ctx.json(SubscriptionJson.write(info, SubscriptionLag.seconds(broker, info, clock)));
    }

    private void delete(Context ctx) {
        String topic = ctx.pathParam("topic");
        String name = ctx.pathParam("subscription");
        broker.describeSubscription(topic, name);
        release(topic, name);
        broker.deleteSubscription(topic, name);
        ctx.status(204);
    }

    private void reset(Context ctx) {
        String topic = ctx.pathParam("topic");
        String name = ctx.pathParam("subscription");
        JsonFields f = JsonFields.of(Json.object(ctx.bodyAsBytes()), RESET_MEMBERS);
        String to = f.string("to");
        StartPosition position = f.checked("to", () -> StartPosition.parse(to));
        broker.describeSubscription(topic, name);
        release(topic, name);
        broker.resetSubscription(topic, name, position);
        SubscriptionInfo info = broker.describeSubscription(topic, name);
        ctx.json(SubscriptionJson.write(info, SubscriptionLag.seconds(broker, info, clock)));
    }

    /** Ends what this server consumes of the subscription: its streams, then its receiver (committing what was acked). */
    private void release(String topic, String name) {
        streams.end(topic, name);
        receivers.close(topic, name);
    }

    private Optional<SubscriptionInfo> find(String topic, String name) {
        try {
            return Optional.of(broker.describeSubscription(topic, name));
        } catch (SubscriptionNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The start only matters to a new subscription: a PUT that differs in nothing else changes nothing. */
    private static boolean sameDefinition(io.herald.broker.SubscriptionSpec stored, io.herald.broker.SubscriptionSpec wanted) {
        return wanted.startAt(stored.start()).equals(stored);
    }
}
