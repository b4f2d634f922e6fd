package io.herald.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.error.InvalidSpecException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * An EventBridge event pattern, compiled by AWS's event-ruler, matched against an event's
 * CloudEvents JSON form: {@code id}, {@code source}, {@code type}, {@code subject},
 * {@code time}, {@code datacontenttype} and the extensions at the top level, and the data under
 * {@code data} when it is JSON. Example:
 * {@code {"type": ["order.placed"], "data": {"total": [{"numeric": [">=", 1000]}]}}}.
 *
 * <p>As in that form, an {@link ExtensionType#INTEGER} extension is a JSON number and a
 * {@link ExtensionType#BOOLEAN} one a JSON boolean, so {@code {"priority": [{"numeric": [">", 5]}]}}
 * and {@code {"urgent": [true]}} match them; every other extension is a string, and a string
 * {@code "5"} matches no numeric pattern (EventBridge's rule: numeric matching is for JSON numbers).
 * The {@code time} is the text as published, at its offset ({@link Event#timeWithOffset()}).
 * Thread-safe.
 */
public final class EventFilter {

    /** Exactly one JSON value, nothing after it: for patterns and for deciding whether data is JSON. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory JSON = MAPPER.getFactory();

    private final String pattern;
    private final Machine machine = new Machine();

    private EventFilter(String pattern) {
        this.pattern = pattern;
    }

    /** Compiles the pattern; a bad one is an {@link InvalidSpecException} that says what is wrong with it. */
    public static EventFilter compile(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new InvalidSpecException("an event pattern must be a JSON object such as {\"type\": [\"order.placed\"]}, got nothing");
        }
        EventFilter filter = new EventFilter(pattern);
        try {
            JsonNode tree = MAPPER.readTree(pattern);
            if (!tree.isObject() || tree.isEmpty()) {
                throw new InvalidSpecException("an event pattern must be a non-empty JSON object such as "
                        + "{\"type\": [\"order.placed\"]}, got " + pattern);
            }
            filter.machine.addRule("pattern", pattern);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidSpecException invalid) {
                throw invalid;
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new InvalidSpecException("invalid event pattern " + pattern + ": " + message);
        }
        return filter;
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(Event event) {
        try {
            return !machine.rulesForJSONEvent(toJson(event)).isEmpty();
        } catch (Exception e) {
            return false; // an event the matcher cannot read matches nothing
        }
    }

    /** The event as the pattern sees it: attributes at the top, JSON data inline. */
    static String toJson(Event event) throws IOException {
        StringWriter out = new StringWriter(256 + event.dataLength());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("specversion", Event.SPEC_VERSION);
            g.writeStringField("id", event.id());
            g.writeStringField("source", event.source());
            g.writeStringField("type", event.type());
            if (event.rawSubject() != null) {
                g.writeStringField("subject", event.rawSubject());
            }
            if (event.rawInstant() != null) {
                ZoneOffset offset = event.rawTimeOffset();
                g.writeStringField("time", offset == null ? Rfc3339.format(event.rawInstant()) : Rfc3339.format(event.rawInstant(), offset));
            }
            if (event.rawDataContentType() != null) {
                g.writeStringField("datacontenttype", event.rawDataContentType());
            }
            if (event.rawDataSchema() != null) {
                g.writeStringField("dataschema", event.rawDataSchema());
            }
            boolean typed = event.rawExtensionTypes() != null;
            for (Map.Entry<String, String> e : event.extensions().entrySet()) {
                switch (typed ? event.extensionType(e.getKey()) : ExtensionType.STRING) {
                    case INTEGER -> g.writeNumberField(e.getKey(), Integer.parseInt(e.getValue()));
                    case BOOLEAN -> g.writeBooleanField(e.getKey(), e.getValue().equals("true"));
                    default -> g.writeStringField(e.getKey(), e.getValue());
                }
            }
            if (event.hasData() && isJson(event)) {
                // data that only looks like JSON is left out: attribute patterns still match
                g.writeFieldName("data");
                g.writeRawValue(new String(event.rawData(), StandardCharsets.UTF_8));
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    private static boolean isJson(Event event) {
        String type = event.rawDataContentType();
        if (type != null && !MediaTypes.isJson(type)) {
            return false;
        }
        try {
            JsonNode node = MAPPER.readTree(event.rawData());
            return node != null && !node.isMissingNode();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventFilter f && f.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
