package io.herald.server.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.Broker;
import io.herald.broker.Position;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.http.CloudEventsHttp;
import io.herald.http.Json;
import io.herald.http.Positions;
import io.herald.http.Problem;
import io.herald.http.ProblemException;
import io.herald.server.auth.Access;
import io.herald.server.auth.Permission;
import io.herald.server.config.ServerConfig.Limits;
import io.herald.server.http.Api;
import io.herald.server.http.Params;
import io.herald.server.http.RequestBody;
import io.herald.server.http.ResponseBody;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /topics/{topic}/events}: one event (binary or structured mode) or a batch. The
 * answer comes once the write is as durable as the topic's fsync policy asks, and gives each
 * event's position; an event whose {@code source} and {@code id} this server stored within the
 * duplicate window is not stored again, and its answer says {@code "duplicate": true} with the
 * first write's position. With {@code delay} or {@code deliverAt} the events are kept and enter
 * the topic at that time (202, no positions yet).
 *
 * <p>A batch is checked whole before anything is written: one bad event fails the request and
 * stores nothing.
 */
public final class PublishRoutes implements Api.Resource {

    private static final Duration MAX_DELAY = Duration.ofDays(365);

    private final Broker broker;
    private final DuplicateWindow duplicates;
    private final PublishHistory history;
    private final Limits limits;

    public PublishRoutes(Broker broker, DuplicateWindow duplicates, PublishHistory history, Limits limits) {
        this.history = history;
        this.broker = broker;
        this.duplicates = duplicates;
        this.limits = limits;
    }

    @Override
    public void addTo(Api api) {
        api.post("/topics/{topic}/events", Access.onTopic(Permission.PUBLISH), this::publish);
    }

    private void publish(Context ctx) throws java.io.IOException {
        String topic = ctx.pathParam("topic");
        Optional<Instant> deliverAt = deliverAt(ctx);
        CloudEventsHttp.Mode mode = CloudEventsHttp.modeOf(ctx.contentType(), ctx.headerMap());
        List<Event> events = CloudEventsHttp.decode(mode, ctx.headerMap(), RequestBody.bytes(ctx), limits.maxBatchEvents());
        checkSizes(events, mode == CloudEventsHttp.Mode.BATCH);

        history.ensureRead(topic);
        List<DuplicateWindow.Claim> claims = new ArrayList<>(events.size());
        List<Event> fresh = new ArrayList<>(events.size());
        List<DuplicateWindow.Claim.Fresh> freshClaims = new ArrayList<>(events.size());
        for (Event e : events) {
            DuplicateWindow.Claim claim = duplicates.claim(topic, e.source(), e.id());
            claims.add(claim);
            if (claim instanceof DuplicateWindow.Claim.Fresh f) {
                fresh.add(e);
                freshClaims.add(f);
            }
        }
        try {
            if (!fresh.isEmpty()) {
                if (deliverAt.isPresent()) {
                    broker.publishAt(topic, fresh, deliverAt.get()).join();
                    freshClaims.forEach(c -> duplicates.stored(c, Optional.empty()));
                } else {
                    List<Position> positions = broker.publish(topic, fresh).join();
                    for (int i = 0; i < positions.size(); i++) {
                        duplicates.stored(freshClaims.get(i), Optional.of(positions.get(i)));
                    }
                }
            }
        } catch (RuntimeException e) {
            freshClaims.forEach(c -> duplicates.failed(c, e));
            throw e;
        }

        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode answers = body.putArray("events");
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            DuplicateWindow.Claim claim = claims.get(i);
            Optional<Position> position = switch (claim) {
                case DuplicateWindow.Claim.Fresh f -> f.pending().join();
                case DuplicateWindow.Claim.Duplicate d -> d.first().join();
            };
            ObjectNode answer = answers.addObject().put("id", e.id()).put("source", e.source());
            position.ifPresent(p -> answer.put("position", Positions.format(p)).put("partition", p.partition()).put("offset", p.offset()));
            answer.put("duplicate", claim instanceof DuplicateWindow.Claim.Duplicate);
        }
        deliverAt.ifPresent(at -> body.put("deliverAt", at.toString()));
        ctx.status(deliverAt.isPresent() ? 202 : 200).contentType("application/json");
        ResponseBody.write(ctx, Json.write(body));
    }

    /**
     * The server's own limit, checked before anything is claimed or written: the backend's may
     * be larger (a server is started on a broker configured elsewhere), and the client should get
     * the limit it was given, with the event's index in a batch. Sizes are as the embedded log
     * encodes them; the cheap upper bound settles nearly every event without encoding it.
     */
    private void checkSizes(List<Event> events, boolean batch) {
        int limit = limits.maxEventBytes();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            if (EventBinaryFormat.maxEncodedSize(e) <= limit) {
                continue;
            }
            int size = EventBinaryFormat.encode(e).length;
            if (size > limit) {
                Problem problem = Problem.tooLarge((batch ? "event " + i + " of the batch: " : "") + "event '"
                        + Params.abbreviate(e.id()) + "' is " + size + " bytes encoded; the limit is " + limit + " bytes")
                        .with("limit", limit);
                throw new ProblemException(batch ? problem.with("index", i) : problem);
            }
        }
    }

    private static Optional<Instant> deliverAt(Context ctx) {
        Optional<Duration> delay = Params.optionalDuration(ctx, "delay", Duration.ZERO, MAX_DELAY);
        Optional<String> at = Params.string(ctx, "deliverAt");
        if (delay.isPresent() && at.isPresent()) {
            throw new ProblemException(Problem.badParameter("delay", "give 'delay' or 'deliverAt', not both"));
        }
        if (at.isPresent()) {
            try {
                return Optional.of(java.time.OffsetDateTime.parse(at.get().trim()).toInstant());
            } catch (DateTimeParseException e) {
                throw new ProblemException(Problem.badParameter("deliverAt", "'deliverAt' must be an RFC 3339 time such as "
                        + "2026-12-07T10:00:00Z, got '" + Params.abbreviate(at.get()) + "'"));
            }
        }
        return delay.map(d -> Instant.now().plus(d));
    }
}
