package io.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.herald.broker.Durations;
import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A subscription as JSON. What {@code PUT /topics/{topic}/subscriptions/{name}} takes (every
 * member optional; absent ones take the defaults of {@link SubscriptionSpec#defaults()}):
 * <pre>
 * {"ordering": "key", "start": "earliest", "filter": {"type": ["order.placed"]},
 *  "retry": {"maxAttempts": 5, "initialBackoff": "1s", "multiplier": 2.0, "maxBackoff": "1m"},
 *  "deadLetterTopic": "orders.billing.dlq", "lease": "30s", "sessionTimeout": "10s",
 *  "concurrency": 16, "keyAfterDeadLetter": "continue", "webhook": {...}}
 * </pre>
 * and what a describe answers: the same members (the dead-letter topic resolved, the start the
 * subscription was created with, the filter as the pattern's own text), then {@code topic},
 * {@code name}, {@code members}, {@code lag}, {@code cursors} and {@code stats}.
 */
public final class SubscriptionJson {

    public static final Set<String> PUT_MEMBERS = Set.of("ordering", "start", "filter", "retry", "deadLetterTopic", "lease",
            "sessionTimeout", "concurrency", "keyAfterDeadLetter", "webhook");
    private static final Set<String> RETRY_MEMBERS = Set.of("maxAttempts", "initialBackoff", "multiplier", "maxBackoff",
            "permanentErrors");

    private SubscriptionJson() {
    }

    /** A PUT body: the spec, and the webhook member as it was given (the server reads it). */
    public record Put(SubscriptionSpec spec, Optional<ObjectNode> webhook) {
    }

    public static Put parsePut(ObjectNode body) {
        JsonFields f = JsonFields.of(body, PUT_MEMBERS);
        SubscriptionSpec spec = SubscriptionSpec.defaults();
        Optional<String> ordering = f.optionalString("ordering");
        if (ordering.isPresent()) {
            spec = spec.withOrdering(enumValue(f, "ordering", Ordering.class, ordering.get()));
        }
        Optional<String> start = f.optionalString("start");
        if (start.isPresent()) {
            SubscriptionSpec base = spec;
            spec = f.checked("start", () -> base.startAt(StartPosition.parse(start.get())));
        }
        Optional<JsonNode> filter = f.optionalNode("filter");
        if (filter.isPresent()) {
            String pattern = filter.get().isTextual() ? filter.get().textValue() : filter.get().toString();
            SubscriptionSpec base = spec;
            spec = f.checked("filter", () -> base.filter(pattern));
        }
        Optional<ObjectNode> retry = f.optionalObject("retry");
        if (retry.isPresent()) {
            RetryPolicy policy = retry(retry.get());
            spec = spec.retry(policy);
        }
        Optional<String> deadLetterTopic = f.optionalString("deadLetterTopic");
        if (deadLetterTopic.isPresent()) {
            SubscriptionSpec base = spec;
            spec = f.checked("deadLetterTopic", () -> base.deadLetterTopic(deadLetterTopic.get()));
        }
        Optional<Duration> lease = f.optionalDuration("lease");
        if (lease.isPresent()) {
            SubscriptionSpec base = spec;
            spec = f.checked("lease", () -> base.leaseDuration(lease.get()));
        }
        Optional<Duration> session = f.optionalDuration("sessionTimeout");
        if (session.isPresent()) {
            SubscriptionSpec base = spec;
            spec = f.checked("sessionTimeout", () -> base.sessionTimeout(session.get()));
        }
        Optional<Integer> concurrency = f.optionalInt("concurrency", 1, SubscriptionSpec.MAX_CONCURRENCY);
        if (concurrency.isPresent()) {
            spec = spec.concurrency(concurrency.get());
        }
        Optional<String> keyAfter = f.optionalString("keyAfterDeadLetter");
        if (keyAfter.isPresent()) {
            spec = spec.keyAfterDeadLetter(enumValue(f, "keyAfterDeadLetter", KeyAfterDeadLetter.class, keyAfter.get()));
        }
        return new Put(spec, f.optionalObject("webhook"));
    }

    private static RetryPolicy retry(ObjectNode node) {
        JsonFields r = JsonFields.nested(node, "retry.", RETRY_MEMBERS);
        RetryPolicy d = RetryPolicy.DEFAULT;
        int attempts = r.optionalInt("maxAttempts", 1, 1_000_000).orElse(d.maxAttempts());
        Duration initial = r.optionalDuration("initialBackoff").orElse(d.initialBackoff());
        double multiplier = r.optionalDouble("multiplier").orElse(d.multiplier());
        Duration max = r.optionalDuration("maxBackoff").orElse(initial.compareTo(d.maxBackoff()) > 0 ? initial : d.maxBackoff());
        Set<String> permanent = new HashSet<>(r.optionalStrings("permanentErrors").orElse(List.of()));
        return r.checked("maxBackoff", () -> new RetryPolicy(attempts, initial, multiplier, max, permanent));
    }

    private static <E extends Enum<E>> E enumValue(JsonFields f, String member, Class<E> type, String text) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E value : type.getEnumConstants()) {
                names.add(value.name().toLowerCase(Locale.ROOT));
            }
            throw f.bad(member, "must be one of " + String.join(", ", names) + ", got '" + text + "'");
        }
    }

    /** The PUT body for a spec (the client's side). */
    public static ObjectNode writeSpec(SubscriptionSpec spec) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        writeSpecMembers(o, spec, Optional.empty());
        o.put("start", spec.start().toString());
        return o;
    }

    private static void writeSpecMembers(ObjectNode o, SubscriptionSpec spec, Optional<String> deadLetterTopic) {
        o.put("ordering", spec.ordering().name().toLowerCase(Locale.ROOT));
        spec.filter().ifPresent(pattern -> {
            try {
                // checked to be one JSON value, then written as it is: a client that reads it back
                // with Json.treeKeepingRaw sees the pattern as it was given, spaces and all
                Json.MAPPER.readTree(pattern);
                o.putRawValue("filter", new RawValue(pattern));
            } catch (IOException e) {
                o.put("filter", pattern);
            }
        });
        RetryPolicy r = spec.retry();
        ObjectNode retry = o.putObject("retry")
                .put("maxAttempts", r.maxAttempts())
                .put("initialBackoff", Durations.format(r.initialBackoff()))
                .put("multiplier", r.multiplier())
                .put("maxBackoff", Durations.format(r.maxBackoff()));
        if (!r.permanentErrors().isEmpty()) {
            ArrayNode permanent = retry.putArray("permanentErrors");
            r.permanentErrors().stream().sorted().forEach(permanent::add);
        }
        deadLetterTopic.or(spec::deadLetterTopic).ifPresent(t -> o.put("deadLetterTopic", t));
        o.put("lease", Durations.format(spec.leaseDuration()));
        o.put("sessionTimeout", Durations.format(spec.sessionTimeout()));
        o.put("concurrency", spec.concurrency());
        o.put("keyAfterDeadLetter", spec.keyAfterDeadLetter().name().toLowerCase(Locale.ROOT));
    }

    /** A describe answer; {@code lagSeconds} is the age of the oldest pending event, when known. */
    public static ObjectNode write(SubscriptionInfo info, Optional<Double> lagSeconds) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("topic", info.topic());
        o.put("name", info.name());
        writeSpecMembers(o, info.spec(), Optional.of(info.spec().deadLetterTopicFor(info.topic(), info.name())));
        o.put("start", info.spec().start().toString());
        o.put("lag", info.lag());
        lagSeconds.ifPresent(s -> o.put("lagSeconds", Math.round(s * 1000) / 1000.0));
        ArrayNode members = o.putArray("members");
        info.members().forEach(members::add);
        ArrayNode cursors = o.putArray("cursors");
        for (SubscriptionInfo.PartitionCursor c : info.cursors()) {
            ObjectNode cursor = cursors.addObject().put("partition", c.partition()).put("committed", c.committed()).put("end", c.end())
                    .put("lag", c.lag());
            c.owner().ifPresent(owner -> cursor.put("owner", owner));
            c.damage().ifPresent(damage -> cursor.put("damage", damage));
        }
        SubscriptionInfo.Stats s = info.stats();
        o.putObject("stats")
                .put("leased", s.leased())
                .put("retrying", s.retrying())
                .put("deadLettered", s.deadLettered())
                .put("redriving", s.redriving())
                .put("ackedPerSecond", Math.round(s.ackedPerSecond() * 100) / 100.0);
        return o;
    }

    /**
     * A describe answer read back (the client's side). Read the answer with
     * {@link Json#treeKeepingRaw Json.treeKeepingRaw(body, Set.of("filter"))} to keep the filter's
     * own text; from an ordinary tree it comes back re-written as compact JSON.
     */
    public static SubscriptionInfo read(JsonNode o) {
        ObjectNode spec = Json.MAPPER.createObjectNode();
        for (String member : List.of("ordering", "start", "filter", "retry", "deadLetterTopic", "lease", "sessionTimeout",
                "concurrency", "keyAfterDeadLetter")) {
            if (o.hasNonNull(member)) {
                JsonNode value = o.get(member);
                spec.set(member, Json.raw(value).<JsonNode>map(spec::textNode).orElse(value));
            }
        }
        SubscriptionSpec parsed = parsePut(spec).spec();
        List<SubscriptionInfo.PartitionCursor> cursors = new ArrayList<>();
        for (JsonNode c : o.path("cursors")) {
            cursors.add(new SubscriptionInfo.PartitionCursor(c.path("partition").asInt(), c.path("committed").asLong(),
                    c.path("end").asLong(), Optional.ofNullable(c.get("owner")).map(JsonNode::asText),
                    Optional.ofNullable(c.get("damage")).map(JsonNode::asText)));
        }
        List<String> members = new ArrayList<>();
        o.path("members").forEach(m -> members.add(m.asText()));
        JsonNode s = o.path("stats");
        return new SubscriptionInfo(o.path("topic").asText(), o.path("name").asText(), parsed, members, cursors,
                new SubscriptionInfo.Stats(s.path("leased").asLong(), s.path("retrying").asLong(), s.path("deadLettered").asLong(),
                        s.path("redriving").asLong(), s.path("ackedPerSecond").asDouble()));
    }
}
