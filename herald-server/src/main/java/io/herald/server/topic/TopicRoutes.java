package io.herald.server.topic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Broker;
import io.herald.broker.TopicInfo;
import io.herald.http.Json;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.http.TopicJson;
import io.herald.server.auth.Access;
import io.herald.server.auth.Caller;
import io.herald.server.auth.Permission;
import io.herald.server.http.Api;
import io.herald.server.publish.PublishHistory;
import io.herald.server.topic.ServerTopics;
import io.herald.server.webhook.Webhooks;
import io.javalin.http.Context;

/**
 * Topics: {@code POST /topics} creates one, {@code GET /topics} lists those the caller may see,
 * {@code GET /topics/{topic}} describes one (partitions, offsets, sizes, publish rate),
 * {@code DELETE /topics/{topic}} deletes it with its events and subscriptions.
 */
public final class TopicRoutes implements Api.Resource {

    private final Broker broker;
    private final TopicRates rates;
    private final Webhooks webhooks;
    private final PublishHistory history;

    public TopicRoutes(Broker broker, TopicRates rates, Webhooks webhooks, PublishHistory history) {
        this.broker = broker;
        this.rates = rates;
        this.webhooks = webhooks;
        this.history = history;
    }

    @Override
    public void addTo(Api api) {
        api.post("/topics", Access.AUTHENTICATED, this::create);
        api.get("/topics", Access.AUTHENTICATED, this::list);
        api.get("/topics/{topic}", Access.onTopic(Permission.PUBLISH, Permission.CONSUME), this::describe);
        api.delete("/topics/{topic}", Access.onTopic(Permission.ADMIN), this::delete);
    }

    private void create(Context ctx) {
        TopicJson.Create request = TopicJson.parseCreate(Json.object(ctx.bodyAsBytes()));
        if (ServerTopics.isReserved(request.name())) {
            throw new ProblemException(Problem.badField("name", "names starting with '" + ServerTopics.PREFIX
                    + "' are kept by the server for itself"));
        }
        Caller.of(ctx).require(Permission.ADMIN, request.name());
        TopicInfo created = broker.createTopic(request.name(), request.spec());
        ctx.status(201).header("Location", "/topics/" + created.name()).json(TopicJson.write(created, rates.perSecond(created.name())));
    }

    private void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        ObjectNode body = Json.MAPPER.createObjectNode();
        var array = body.putArray("topics");
        for (TopicInfo topic : broker.listTopics()) {
            if (caller.sees(topic.name()) && !ServerTopics.isReserved(topic.name())) {
                array.add(TopicJson.write(topic, rates.perSecond(topic.name())));
            }
        }
        ctx.json(body);
    }

    private void describe(Context ctx) {
        TopicInfo topic = broker.describeTopic(ctx.pathParam("topic"));
        ctx.json(TopicJson.write(topic, rates.perSecond(topic.name())));
    }

    private void delete(Context ctx) {
        String topic = ctx.pathParam("topic");
        broker.describeTopic(topic);
        webhooks.removeTopic(topic); // its pushers are members of its subscriptions
        broker.deleteTopic(topic);
        history.forget(topic);
        ctx.status(204);
    }
}
