package io.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterSelector;
import io.herald.error.InvalidSpecException;
import io.herald.event.CloudEventsJson;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dead letter as JSON — where it sits in the dead-letter topic, where its event was published,
 * why and when it failed, the event itself — and the selectors of the dead-letter operations:
 * {@code match} (an EventBridge pattern), {@code range} ({@code P:FROM-TO}, offsets of the
 * dead-letter topic, inclusive, as {@code herald dlq} takes them), or neither (all).
 */
public final class DeadLetterJson {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,9}):(\\d{1,18})-(\\d{1,18})");

    private DeadLetterJson() {
    }

    public static ObjectNode write(DeadLetter d) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("position", Positions.format(d.position()));
        o.put("topic", d.topic());
        o.put("subscription", d.subscription());
        o.put("originalPosition", Positions.format(d.originalPosition()));
        o.put("attempts", d.attempts());
        o.put("firstFailure", d.firstFailure().toString());
        o.put("lastFailure", d.lastFailure().toString());
        o.put("errorClass", d.errorClass().orElse(null));
        o.put("errorMessage", d.errorMessage().orElse(null));
        o.put("reason", d.reason());
        // verbatim: a tree would re-write the event's JSON data (see EventJson)
        o.putRawValue("event", new RawValue(new String(EventJson.toBytes(d.event()), java.nio.charset.StandardCharsets.UTF_8)));
        return o;
    }

    /** A dead letter of an answer read with {@link Json#treeKeepingRaw} (see {@link EventJson}). */
    public static DeadLetter read(JsonNode o) {
        return new DeadLetter(Positions.parse(o.path("position").asText()), EventJson.read(o.path("event")),
                o.path("topic").asText(), o.path("subscription").asText(), Positions.parse(o.path("originalPosition").asText()),
                o.path("attempts").asInt(), Instant.parse(o.path("firstFailure").asText()), Instant.parse(o.path("lastFailure").asText()),
                text(o, "errorClass"), text(o, "errorMessage"), o.path("reason").asText());
    }

    private static Optional<String> text(JsonNode o, String member) {
        JsonNode n = o.get(member);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    /**
     * The selector {@code match} or {@code range} names; empty when neither is given. Both at once
     * is an {@link InvalidSpecException}, as a bad pattern or range is.
     */
    public static Optional<DeadLetterSelector> selector(Optional<String> match, Optional<String> range) {
        if (match.isPresent() && range.isPresent()) {
            throw new InvalidSpecException("give 'match' or 'range', not both");
        }
        if (match.isPresent()) {
            return Optional.of(DeadLetterSelector.matching(match.get()));
        }
        return range.map(DeadLetterJson::range);
    }

    public static DeadLetterSelector range(String text) {
        Matcher m = RANGE.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidSpecException("a range is PARTITION:FROM-TO (offsets of the dead-letter topic, inclusive), such as 0:10-20; got '"
                    + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'");
        }
        return DeadLetterSelector.range(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** The text of a range selector, as {@link #range} reads it. */
    public static String format(DeadLetterSelector.Range r) {
        return r.partition() + ":" + r.from() + "-" + r.to();
    }
}
