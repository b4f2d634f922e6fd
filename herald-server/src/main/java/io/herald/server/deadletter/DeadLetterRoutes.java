package io.herald.server.deadletter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Broker;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Position;
import io.herald.broker.RedriveTarget;
import io.herald.error.InvalidSpecException;
import io.herald.http.DeadLetterJson;
import io.herald.http.Json;
import io.herald.http.JsonFields;
import io.herald.http.Positions;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.server.auth.Access;
import io.herald.server.auth.Permission;
import io.herald.server.http.Api;
import io.herald.server.http.Params;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.Set;

/**
 * A subscription's dead letters: list (by pattern or range), count, show one, redrive (to the
 * subscription or a topic; all at once, or paced as a job that can be watched and cancelled;
 * a dry run only counts) and purge.
 */
public final class DeadLetterRoutes implements Api.Resource, AutoCloseable {

    private static final int MAX_LIST = 1000;
    private static final double MAX_RATE = 100_000;
    private static final Set<String> REDRIVE_MEMBERS = Set.of("match", "range", "toTopic", "dryRun", "perSecond");
    private static final Set<String> PURGE_MEMBERS = Set.of("match", "range", "all", "dryRun");

    private final Broker broker;
    private final RedriveJobs jobs = new RedriveJobs(System::nanoTime);

    public DeadLetterRoutes(Broker broker) {
        this.broker = broker;
    }

    @Override
    public void addTo(Api api) {
        String base = "/topics/{topic}/subscriptions/{subscription}/dead-letters";
        Access consume = Access.onTopic(Permission.CONSUME);
        Access admin = Access.onTopic(Permission.ADMIN);
        api.get(base, consume, this::list);
        api.get(base + "/count", consume, this::count);
        api.post(base + "/redrive", admin, this::redrive);
        api.post(base + "/purge", admin, this::purge);
        api.get(base + "/redrives/{job}", admin, this::job);
        api.delete(base + "/redrives/{job}", admin, this::cancel);
        api.get(base + "/{position}", consume, this::show);
    }

    private DeadLetterQueue queue(Context ctx) {
        return broker.deadLetters(ctx.pathParam("topic"), ctx.pathParam("subscription"));
    }

    private void list(Context ctx) {
        DeadLetterQueue queue = queue(ctx);
        DeadLetterSelector selector = querySelector(ctx).orElse(DeadLetterSelector.all());
        int limit = Params.integer(ctx, "limit", 100, 1, MAX_LIST);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("deadLetterTopic", queue.topic());
        ArrayNode list = body.putArray("deadLetters");
        for (DeadLetter d : queue.list(selector, limit)) {
            list.add(DeadLetterJson.write(d));
        }
        ctx.json(body);
    }

    private void count(Context ctx) {
        DeadLetterQueue queue = queue(ctx);
        long count = queue.count(querySelector(ctx).orElse(DeadLetterSelector.all()));
        ctx.json(Json.MAPPER.createObjectNode().put("count", count));
    }

    private void show(Context ctx) {
        Position position;
        try {
            position = Positions.parse(ctx.pathParam("position"));
        } catch (InvalidSpecException e) {
            throw new ProblemException(Problem.badParameter("position", e.getMessage()));
        }
        DeadLetterQueue queue = queue(ctx);
        DeadLetter d = queue.show(position).orElseThrow(() -> new ProblemException(Problem.notFound("dead-letter-not-found",
                "no dead letter of subscription '" + ctx.pathParam("subscription") + "' at " + Positions.format(position)
                        + " of its dead-letter topic '" + queue.topic() + "' (redriven, purged, or never there)")));
        ctx.json(DeadLetterJson.write(d));
    }

    private void redrive(Context ctx) {
        String topic = ctx.pathParam("topic");
        String subscription = ctx.pathParam("subscription");
        JsonFields f = JsonFields.of(body(ctx), REDRIVE_MEMBERS);
        DeadLetterSelector selector = bodySelector(f).orElse(DeadLetterSelector.all());
        DeadLetterQueue queue = queue(ctx);
        RedriveTarget target = RedriveTarget.subscription();
        Optional<String> toTopic = f.optionalString("toTopic");
        if (toTopic.isPresent()) {
            if (io.herald.server.topic.ServerTopics.isReserved(toTopic.get())) {
                throw f.bad("toTopic", "names a topic the server keeps for itself");
            }
            target = f.checked("toTopic", () -> RedriveTarget.topic(toTopic.get()));
            broker.describeTopic(toTopic.get());
            if (toTopic.get().equals(queue.topic())) {
                throw f.bad("toTopic", "names the dead-letter topic itself: there the events would be neither dead letters nor delivered");
            }
        }
        if (f.optionalBoolean("dryRun").orElse(false)) {
            ctx.json(Json.MAPPER.createObjectNode().put("dryRun", true).put("count", queue.count(selector)));
            return;
        }
        Optional<Double> perSecond = f.optionalDouble("perSecond");
        if (perSecond.isPresent()) {
            if (perSecond.get() <= 0 || perSecond.get() > MAX_RATE) {
                throw f.bad("perSecond", "must be a rate above 0 and at most " + (long) MAX_RATE + ", got " + perSecond.get());
            }
            RedriveJobs.Job job = jobs.start(topic, subscription, queue, selector, target, perSecond.get());
            String location = "/topics/" + topic + "/subscriptions/" + subscription + "/dead-letters/redrives/" + job.id;
            ctx.status(202).header("Location", location).json(jobJson(job).put("href", location));
            return;
        }
        long redriven = queue.redrive(selector, target, DeadLetterQueue.Progress.NONE);
        ctx.json(Json.MAPPER.createObjectNode().put("redriven", redriven));
    }

    private void purge(Context ctx) {
        JsonFields f = JsonFields.of(body(ctx), PURGE_MEMBERS);
        Optional<DeadLetterSelector> selector = bodySelector(f);
        boolean all = f.optionalBoolean("all").orElse(false);
        if (selector.isEmpty() && !all) {
            throw f.bad("all", "must be true to purge every dead letter (or give 'match' or 'range'): a purge cannot be undone");
        }
        if (selector.isPresent() && all) {
            throw f.bad("all", "cannot go with 'match' or 'range'; choose one");
        }
        DeadLetterQueue queue = queue(ctx);
        DeadLetterSelector chosen = selector.orElse(DeadLetterSelector.all());
        if (f.optionalBoolean("dryRun").orElse(false)) {
            ctx.json(Json.MAPPER.createObjectNode().put("dryRun", true).put("count", queue.count(chosen)));
            return;
        }
        ctx.json(Json.MAPPER.createObjectNode().put("purged", queue.purge(chosen)));
    }

    private void job(Context ctx) {
        ctx.json(jobJson(findJob(ctx)));
    }

    private void cancel(Context ctx) {
        RedriveJobs.Job job = findJob(ctx);
        jobs.cancel(job);
        ctx.json(jobJson(job));
    }

    private RedriveJobs.Job findJob(Context ctx) {
        return jobs.get(ctx.pathParam("topic"), ctx.pathParam("subscription"), ctx.pathParam("job"))
                .orElseThrow(() -> new ProblemException(Problem.notFound("redrive-not-found", "no redrive '"
                        + Params.abbreviate(ctx.pathParam("job")) + "' of this subscription on this server (jobs end with the server)")));
    }

    private static ObjectNode jobJson(RedriveJobs.Job job) {
        ObjectNode o = Json.MAPPER.createObjectNode()
                .put("id", job.id)
                .put("state", job.state().name().toLowerCase(java.util.Locale.ROOT))
                .put("done", job.done())
                .put("total", job.total)
                .put("perSecond", job.perSecond);
        job.error().ifPresent(e -> o.put("error", e));
        return o;
    }

    private static Optional<DeadLetterSelector> querySelector(Context ctx) {
        try {
            return DeadLetterJson.selector(Params.string(ctx, "match"), Params.string(ctx, "range"));
        } catch (InvalidSpecException e) {
            String parameter = Params.string(ctx, "match").isPresent() && Params.string(ctx, "range").isEmpty() ? "match" : "range";
            throw new ProblemException(Problem.badParameter(parameter, e.getMessage()));
        }
    }

    private static Optional<DeadLetterSelector> bodySelector(JsonFields f) {
        Optional<String> match = f.optionalNode("match").map(n -> n.isTextual() ? n.textValue() : n.toString());
        Optional<String> range = f.optionalString("range");
        return f.checked(match.isPresent() ? "match" : "range", () -> DeadLetterJson.selector(match, range));
    }

    private static ObjectNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        return bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.object(bytes);
    }

    @Override
    public void close() {
        jobs.close();
    }

}
