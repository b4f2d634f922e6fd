package io.herald.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * The fast path of CloudEvents batch mode: reads a JSON array of structured events in one pass
 * over its tokens, straight into {@link Event}s. The general path ({@link CloudEventsHttp} through
 * a tree, then {@code CloudEventsJson} and the CloudEvents SDK per event) parses each event three
 * times and writes it twice; on a batch of 1,000 small events that was 70 % of the server's CPU.
 *
 * <p>It takes only the common shape, and declines everything else (returns empty), so that the
 * general path decides and words every refusal: the whole batch is read by one path or the other.
 * For what it takes, it builds exactly the events the general path builds — the same attribute
 * values, the same data bytes, the same extensions in the same order — which
 * {@code CloudEventsJsonReaderProperties} checks against the general path. It declines:
 * <ul>
 *   <li>anything that is not a non-empty array of at most {@code maxEvents} objects followed by
 *       nothing, or that the parser refuses (including a member named twice anywhere);</li>
 *   <li>a {@code specversion} other than {@code "1.0"}; an attribute that is not a string; a
 *       missing {@code id}, {@code source} or {@code type}; a {@code source} or
 *       {@code dataschema} that is no URI; a {@code time} that {@link OffsetDateTime#parse} refuses;</li>
 *   <li>{@code data_base64}, {@code data: null}, non-string data of a non-JSON content type, and
 *       JSON data holding a fraction or exponent (a double may print differently than it was
 *       written) or a string with a surrogate character;</li>
 *   <li>an extension whose name is not lower-case letters and digits, whose value is not a
 *       string, a boolean or an {@code int} (kept with that type), or more than {@value #MAX_EXTENSIONS} extensions;</li>
 *   <li>an event {@link Event.Builder#build()} refuses.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class CloudEventsJsonReader {

    private static final String DEFAULT_CONTENT_TYPE = "application/json";
    /**
     * Up to this many the SDK's extension map (a default {@link HashMap}) is never resized, so
     * filling a {@link HashMap} the same way here gives the same order.
     */
    static final int MAX_EXTENSIONS = 8;
    /** Deeper data is left to the general path, which caps nesting (its limit counts differently). */
    private static final int MAX_DATA_DEPTH = 32;

    private CloudEventsJsonReader() {
    }

    /** The events of a batch body, or empty when the general path must read it. */
    static Optional<List<Event>> readBatch(byte[] body, int maxEvents) {
        if (body.length == 0) {
            return Optional.empty();
        }
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return Optional.empty();
            }
            List<Event> events = new ArrayList<>(Math.min(maxEvents, Math.max(16, body.length / 256)));
            ByteArrayBuilder scratch = new ByteArrayBuilder(256);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT || events.size() == maxEvents) {
                    return Optional.empty();
                }
                Event event = readEvent(p, scratch);
                if (event == null) {
                    return Optional.empty();
                }
                events.add(event);
            }
            if (events.isEmpty() || p.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(events);
        } catch (IOException | RuntimeException declined) {
            return Optional.empty();
        }
    }

    /** One event object, the parser on its {@code START_OBJECT}; null to decline. */
    private static Event readEvent(JsonParser p, ByteArrayBuilder scratch) throws IOException {
        String specVersion = null;
        String id = null;
        String source = null;
        String type = null;
        String dataContentType = null;
        String dataSchema = null;
        String subject = null;
        String time = null;
        boolean hasData = false;
        byte[] dataJson = null;
        String dataText = null;
        HashMap<String, Object> extensions = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "data" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        return null;
                    }
                    hasData = true;
                    dataText = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    dataJson = copyJson(p, scratch);
                    if (dataJson == null) {
                        return null;
                    }
                }
                case "data_base64" -> {
                    return null;
                }
                case "specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time" -> {
                    if (value == JsonToken.VALUE_NULL) {
                        continue; // a null attribute is an absent one
                    }
                    if (value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    String text = p.getText();
                    switch (name) {
                        case "specversion" -> specVersion = text;
                        case "id" -> id = text;
                        case "source" -> source = text;
                        case "type" -> type = text;
                        case "datacontenttype" -> dataContentType = text;
                        case "dataschema" -> dataSchema = text;
                        case "subject" -> subject = text;
                        default -> time = text;
                    }
                }
                default -> {
                    if (value == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    // a string, a boolean or an integer, as the SDK types them
                    Object typed = switch (value) {
                        case VALUE_STRING -> p.getText();
                        case VALUE_TRUE -> Boolean.TRUE;
                        case VALUE_FALSE -> Boolean.FALSE;
                        case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.INT ? (Object) p.getIntValue() : null;
                        default -> null;
                    };
                    if (typed == null || !isExtensionName(name)) {
                        return null;
                    }
                    if (extensions == null) {
                        extensions = new HashMap<>();
                    }
                    extensions.put(name, typed);
                    if (extensions.size() > MAX_EXTENSIONS) {
                        return null;
                    }
                }
            }
        }
        if (!"1.0".equals(specVersion) || id == null || source == null || type == null) {
            return null;
        }
        String contentType = dataContentType == null && hasData ? DEFAULT_CONTENT_TYPE : dataContentType;
        byte[] data = null;
        if (hasData) {
            if (contentType.equals(DEFAULT_CONTENT_TYPE) || CloudEventsJson.declaresJson(contentType)) {
                data = dataJson;
            } else if (dataText != null) {
                data = dataText.getBytes(StandardCharsets.UTF_8);
            } else {
                return null;
            }
        }
        try {
            new URI(source);
            if (dataSchema != null) {
                new URI(dataSchema);
            }
        } catch (URISyntaxException e) {
            return null;
        }
        Event.Builder b = Event.builder()
                .id(id)
                .source(source)
                .type(type)
                .timeWithOffset(time == null ? null : OffsetDateTime.parse(time))
                .subject(subject)
                .dataContentType(contentType)
                .dataSchema(dataSchema);
        if (data != null) {
            b.dataWithoutCopy(data);
        }
        if (extensions != null) {
            // the SDK keeps extensions in a HashMap and the general path adds them in its order
            for (String name : extensions.keySet()) {
                switch (extensions.get(name)) {
                    case Integer i -> b.extension(name, i.intValue());
                    case Boolean bool -> b.extension(name, bool.booleanValue());
                    case Object text -> b.extension(name, text.toString());
                }
            }
        }
        return b.build();
    }

    /**
     * The JSON value the parser is on, written compactly as Jackson writes a tree (what the SDK
     * stores as JSON data); null when it holds something that may not print the same way.
     */
    private static byte[] copyJson(JsonParser p, ByteArrayBuilder scratch) throws IOException {
        scratch.reset();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(scratch)) {
            int depth = 0;
            JsonToken t = p.currentToken();
            while (true) {
                switch (t) {
                    case START_OBJECT -> {
                        if (++depth > MAX_DATA_DEPTH) {
                            return null;
                        }
                        g.writeStartObject();
                    }
                    case START_ARRAY -> {
                        if (++depth > MAX_DATA_DEPTH) {
                            return null;
                        }
                        g.writeStartArray();
                    }
                    case END_OBJECT -> {
                        depth--;
                        g.writeEndObject();
                    }
                    case END_ARRAY -> {
                        depth--;
                        g.writeEndArray();
                    }
                    case FIELD_NAME -> {
                        String name = p.currentName();
                        if (hasSurrogate(name)) {
                            return null;
                        }
                        g.writeFieldName(name);
                    }
                    case VALUE_STRING -> {
                        String text = p.getText();
                        if (hasSurrogate(text)) {
                            return null;
                        }
                        g.writeString(text);
                    }
                    case VALUE_NUMBER_INT -> {
                        switch (p.getNumberType()) {
                            case INT -> g.writeNumber(p.getIntValue());
                            case LONG -> g.writeNumber(p.getLongValue());
                            default -> g.writeNumber(p.getBigIntegerValue());
                        }
                    }
                    case VALUE_TRUE -> g.writeBoolean(true);
                    case VALUE_FALSE -> g.writeBoolean(false);
                    case VALUE_NULL -> g.writeNull();
                    default -> {
                        return null; // a fraction or an exponent, or anything unexpected
                    }
                }
                if (depth == 0) {
                    break;
                }
                t = p.nextToken();
            }
        }
        return scratch.toByteArray();
    }

    private static boolean hasSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The SDK's rule for extension names: lower-case ASCII letters and digits. */
    private static boolean isExtensionName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }
}
