package io.herald.server.subscription;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.error.InvalidSpecException;
import io.herald.http.Json;
import io.herald.http.JsonFields;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.http.SubscriptionJson;
import io.herald.http.WebhookConfig;
import io.herald.http.WebhookJson;
import io.herald.server.auth.Access;
import io.herald.server.auth.Permission;
import io.herald.server.http.Api;
import io.herald.server.webhook.Webhooks;
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
    private final Webhooks webhooks;
    private final Clock clock;

    SubscriptionRoutes(Broker broker, Receivers receivers, DeliveryStreams streams, Webhooks webhooks, Clock clock) {
        this.broker = broker;
        this.receivers = receivers;
        this.streams = streams;
        this.webhooks = webhooks;
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
            list.add(withWebhook(SubscriptionJson.write(info, Optional.empty()), info, false));
        }
        ctx.json(body);
    }

    private void put(Context ctx) {
        String topic = ctx.pathParam("topic");
        String name = ctx.pathParam("subscription");
        SubscriptionJson.Put request = SubscriptionJson.parsePut(Json.object(ctx.bodyAsBytes()));
        Optional<WebhookConfig> webhook = request.webhook().map(w -> WebhookJson.parse(w, WebhookJson.MEMBER + "."));
        broker.describeTopic(topic);
        Optional<SubscriptionInfo> existing = find(topic, name);
        boolean existed = existing.isPresent();
        if (webhook.isEmpty() && webhooks.get(topic, name).isPresent()) {
            webhooks.remove(topic, name); // a PUT says the whole definition: no webhook member, no webhook
        } else if (webhook.isEmpty() && existing.isPresent() && sameDefinition(topic, name, existing.get().spec(), request.spec())) {
            answer(ctx, 200, existing.get(), false);
            return;
        }
        // the server's own consumers would keep the old definition in use
        release(topic, name);
        boolean secretGenerated = false;
        try {
            if (webhook.isPresent()) {
                secretGenerated = webhooks.put(topic, name, request.spec(), webhook.get()).secretGenerated();
            } else {
                broker.pullSubscriber(topic, name, request.spec()).close();
            }
        } catch (InvalidSpecException e) {
            if (existed && e.getMessage().contains("in use")) {
                throw new ProblemException(Problem.conflict("subscription-in-use", e.getMessage()));
            }
            throw e;
        }
        if (!existed) {
            ctx.header("Location", "/topics/" + topic + "/subscriptions/" + name);
        }
        answer(ctx, existed ? 200 : 201, broker.describeSubscription(topic, name), secretGenerated);
    }

    /** The subscription as it is now; a secret the server just generated is shown this once. */
    private void answer(Context ctx, int status, SubscriptionInfo info, boolean revealSecret) {
        ctx.status(status).json(withWebhook(SubscriptionJson.write(info, SubscriptionLag.seconds(broker, info, clock)), info, revealSecret));
    }

    private ObjectNode withWebhook(ObjectNode json, SubscriptionInfo info, boolean revealSecret) {
        webhooks.get(info.topic(), info.name()).ifPresent(config -> json.set(WebhookJson.MEMBER,
                revealSecret ? WebhookJson.writeRevealingSecret(config) : WebhookJson.write(config)));
        return json;
    }

    private void describe(Context ctx) {
        SubscriptionInfo info = broker.describeSubscription(ctx.pathParam("topic"), ctx.pathParam("subscription"));
        answer(ctx, 200, info, false);
    }

    private void delete(Context ctx) {
        String topic = ctx.pathParam("topic");
        String name = ctx.pathParam("subscription");
        broker.describeSubscription(topic, name);
        webhooks.remove(topic, name); // its pusher is a member of the subscription
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
        SubscriptionInfo before = broker.describeSubscription(topic, name);
        // a reset needs an idle subscription: the webhook's pusher stops for it and starts again after
        Optional<WebhookConfig> webhook = webhooks.get(topic, name);
        webhook.ifPresent(w -> webhooks.remove(topic, name));
        release(topic, name);
        try {
            broker.resetSubscription(topic, name, position);
        } finally {
            webhook.ifPresent(w -> webhooks.put(topic, name, before.spec(), w));
        }
        answer(ctx, 200, broker.describeSubscription(topic, name), false);
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

    /**
     * What the broker counts as the definition (SubscriptionSpec.definesSameAs): the start matters
     * only to a new subscription, session timeout and concurrency belong to each consumer. A PUT
     * that differs in nothing else changes nothing, and ends no consumer's leases.
     */
    private static boolean sameDefinition(String topic, String name, io.herald.broker.SubscriptionSpec stored,
                                          io.herald.broker.SubscriptionSpec wanted) {
        return stored.definesSameAs(wanted, topic, name);
    }
}
