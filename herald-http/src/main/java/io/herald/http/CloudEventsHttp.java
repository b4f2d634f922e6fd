package io.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.HttpMessageFactory;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import io.herald.event.InvalidEventException;
import io.herald.event.MalformedEventException;
import io.herald.event.Rfc3339;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The CloudEvents HTTP protocol binding (1.0.2) in both directions, in its three modes:
 * <ul>
 *   <li><b>binary</b>: attributes in {@code ce-*} headers, {@code datacontenttype} as
 *       {@code Content-Type}, the data as the body. Header values are percent-encoded (binding
 *       section 3.1.3.2) where they hold characters outside printable ASCII, {@code "} or
 *       {@code %}; the SDK's reader and writer leave that to the caller, so it is done here;
 *   <li><b>structured</b>: one event as {@code application/cloudevents+json};
 *   <li><b>batch</b>: a JSON array of events as {@code application/cloudevents-batch+json}.
 * </ul>
 * The CloudEvents SDK reads and writes the envelope; {@link CloudEventsJson} maps it to
 * {@link Event}, so Herald's validation and error messages apply to everything that enters.
 * Stateless and thread-safe.
 */
public final class CloudEventsHttp {

    public static final String STRUCTURED = "application/cloudevents+json";
    public static final String BATCH = "application/cloudevents-batch+json";
    public static final String HEADER_PREFIX = "ce-";
    private static final String SPEC_VERSION_HEADER = "ce-specversion";
    private static final List<String> REQUIRED_ATTRIBUTES = List.of("specversion", "id", "source", "type");
    private static final Set<String> STRING_ATTRIBUTES = Set.of("specversion", "id", "source", "type", "subject",
            "datacontenttype", "dataschema", "time");

    /** How a request carried its events. */
    public enum Mode { BINARY, STRUCTURED, BATCH }

    private CloudEventsHttp() {
    }

    /** The mode of a request, from its content type and headers; a 415 problem when it carries no CloudEvent. */
    public static Mode modeOf(String contentType, Map<String, String> headers) {
        String media = mediaType(contentType);
        if (media.equals(STRUCTURED)) {
            return Mode.STRUCTURED;
        }
        if (media.equals(BATCH)) {
            return Mode.BATCH;
        }
        if (headerValue(headers, SPEC_VERSION_HEADER) != null) {
            return Mode.BINARY;
        }
        throw new ProblemException(Problem.unsupportedMediaType("send CloudEvents in binary mode (ce-specversion, ce-id, "
                + "ce-source and ce-type headers with the data as the body), structured mode (Content-Type "
                + STRUCTURED + ") or batch mode (Content-Type " + BATCH + "); got Content-Type "
                + (contentType == null || contentType.isBlank() ? "none" : "'" + contentType + "'") + " and no ce-specversion header"));
    }

    /**
     * The events of a request body; {@code maxEvents} bounds a batch (a 413 beyond it). Throws
     * a {@link ProblemException} naming the event (by its index in a batch) and the problem.
     */
    public static List<Event> decode(Mode mode, Map<String, String> headers, byte[] body, int maxEvents) {
        return switch (mode) {
            case BINARY -> List.of(decodeBinary(headers, body));
            case STRUCTURED -> List.of(decodeStructured(body));
            case BATCH -> decodeBatch(body, maxEvents);
        };
    }

    private static Event decodeBinary(Map<String, String> headers, byte[] body) {
        Map<String, String> decoded = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(HEADER_PREFIX)) {
                decoded.put(lower, percentDecode(lower, unquote(lower, value)));
            } else if (lower.equals("content-type")) {
                decoded.put("content-type", value);
            }
        });
        try {
            MessageReader reader = HttpMessageFactory.createReader(decoded, body);
            CloudEvent cloudEvent = reader.toEvent();
            return CloudEventsJson.fromCloudEvent(cloudEvent);
        } catch (InvalidEventException | MalformedEventException e) {
            throw e;
        } catch (RuntimeException e) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            decoded.forEach((name, value) -> {
                if (name.startsWith(HEADER_PREFIX)) {
                    attributes.put(name.substring(HEADER_PREFIX.length()), value);
                }
            });
            throw orAttributeAtFault(attributes, new MalformedEventException("not a CloudEvent in HTTP binary mode: "
                    + rootMessage(e), e));
        }
    }

    private static Event decodeStructured(byte[] body) {
        try {
            return CloudEventsJson.parse(body);
        } catch (MalformedEventException e) {
            JsonNode tree;
            try {
                tree = Json.MAPPER.readTree(body);
            } catch (IOException notJson) {
                throw e;
            }
            throw orAttributeAtFault(tree, e);
        }
    }

    /** {@code refused}, or the attribute that made the SDK refuse the event when one is at fault. */
    private static RuntimeException orAttributeAtFault(JsonNode event, MalformedEventException refused) {
        if (!(event instanceof ObjectNode object)) {
            return refused;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        object.properties().forEach(member -> {
            if (!member.getValue().isNull()) {
                attributes.put(member.getKey(), member.getValue().isTextual() ? member.getValue().textValue() : member.getValue());
            }
        });
        return orAttributeAtFault(attributes, refused);
    }

    /**
     * The SDK refuses an event without a required attribute, with a source or dataschema it
     * cannot parse as a URI, or with a time it cannot parse, with a message of its own; the client
     * gets the {@link InvalidEventException} naming the attribute instead, as for every other
     * invalid attribute. Only runs once the SDK has refused: the accepted path pays nothing.
     */
    private static RuntimeException orAttributeAtFault(Map<String, Object> attributes, MalformedEventException refused) {
        for (String name : REQUIRED_ATTRIBUTES) {
            Object value = attributes.get(name);
            if (value == null) {
                return new InvalidEventException(name, "is required");
            }
        }
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            if (STRING_ATTRIBUTES.contains(a.getKey()) && !(a.getValue() instanceof String)) {
                return new InvalidEventException(a.getKey(), "must be a string, got " + Json.describe((JsonNode) a.getValue()));
            }
        }
        if (!Event.SPEC_VERSION.equals(attributes.get("specversion"))) {
            return new InvalidEventException("specversion", "must be '" + Event.SPEC_VERSION + "', got '"
                    + attributes.get("specversion") + "'");
        }
        for (String name : List.of("source", "dataschema")) {
            if (attributes.get(name) instanceof String uri) {
                try {
                    new URI(uri);
                } catch (URISyntaxException e) {
                    return new InvalidEventException(name, "must be a URI-reference (RFC 3986), got '" + uri + "': " + e.getReason());
                }
            }
        }
        if (attributes.get("time") instanceof String time) {
            try {
                Rfc3339.parse(time);
            } catch (DateTimeParseException e) {
                return new InvalidEventException("time", "must be an RFC 3339 date-time such as 2026-12-07T10:00:00Z, got '"
                        + time + "'");
            }
        }
        return refused;
    }

    private static List<Event> decodeBatch(byte[] body, int maxEvents) {
        return CloudEventsJsonReader.readBatch(body, maxEvents).orElseGet(() -> decodeBatchGenerally(body, maxEvents));
    }

    /** A batch through a tree and the CloudEvents SDK: every shape, and every refusal's wording. */
    static List<Event> decodeBatchGenerally(byte[] body, int maxEvents) {
        JsonNode tree = Json.tree(body);
        if (!(tree instanceof ArrayNode array)) {
            throw new ProblemException(Problem.badRequest("malformed-event",
                    "a CloudEvents batch is a JSON array of events, got " + Json.describe(tree)));
        }
        if (array.isEmpty()) {
            throw new ProblemException(Problem.badRequest("malformed-event", "the batch is empty; send at least one event"));
        }
        if (array.size() > maxEvents) {
            throw new ProblemException(Problem.tooLarge("the batch holds " + array.size() + " events; the limit is " + maxEvents
                    + " per request").with("limit", maxEvents));
        }
        List<Event> events = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                events.add(parseDiagnosed(array.get(i)));
            } catch (InvalidEventException e) {
                throw new ProblemException(Problem.badRequest("invalid-event", "event " + i + " of the batch: " + e.getMessage())
                        .with("attribute", e.attribute()).with("index", i));
            } catch (MalformedEventException | IOException e) {
                throw new ProblemException(Problem.badRequest("malformed-event", "event " + i + " of the batch: " + e.getMessage())
                        .with("index", i));
            }
        }
        return events;
    }

    private static Event parseDiagnosed(JsonNode event) throws IOException {
        try {
            return CloudEventsJson.parse(Json.MAPPER.writeValueAsBytes(event));
        } catch (MalformedEventException e) {
            throw orAttributeAtFault(event, e);
        }
    }

    /** The event in binary mode: its headers (given to {@code header}) and its body. */
    public static byte[] encodeBinary(Event event, BiConsumer<String, String> header) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpMessageFactory.createWriter((name, value) -> header.accept(name,
                        name.regionMatches(true, 0, HEADER_PREFIX, 0, HEADER_PREFIX.length()) ? percentEncode(value) : value),
                bytes -> body.writeBytes(bytes == null ? new byte[0] : bytes))
                .writeBinary(CloudEventsJson.toCloudEvent(event));
        return body.toByteArray();
    }

    /** The media type of a Content-Type value, lower case, without parameters; empty when there is none. */
    public static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String headerValue(Map<String, String> headers, String lowerName) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(lowerName)) {
                return h.getValue();
            }
        }
        return null;
    }

    /**
     * Binding section 3.1.3.2: a header value is first unescaped with respect to RFC 7230
     * quoted strings (section 3.2.6; a {@code \\} inside one escapes the next character), then
     * percent-decoded. Encoders of binding 1.0.2 never quote (they percent-encode {@code "} and
     * space), but older ones did, and the binding asks receivers to take both.
     */
    static String unquote(String header, String value) {
        if (value.indexOf('"') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted && c == '\\') {
                if (++i == value.length()) {
                    break;
                }
                out.append(value.charAt(i));
            } else {
                out.append(c);
            }
        }
        if (quoted) {
            throw new MalformedEventException("header " + header + " holds a quoted string without its closing '\"'");
        }
        return out.toString();
    }

    /** Binding section 3.1.3.2: {@code %XX} sequences are UTF-8 bytes; anything else is taken as it is. */
    static String percentDecode(String header, String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (c == '%' && i + 2 < value.length()
                    && Character.digit(value.charAt(i + 1), 16) >= 0 && Character.digit(value.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(value.charAt(i + 1), 16) * 16 + Character.digit(value.charAt(i + 2), 16));
                i += 3;
            } else {
                bytes.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(c);
            }
        }
        byte[] raw = bytes.toByteArray();
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MalformedEventException("header " + header + " holds percent-encoded bytes that are not UTF-8");
        }
    }

    /**
     * Encodes what binding section 3.1.3.2 asks: space, {@code "}, {@code %} and every character
     * outside printable ASCII (U+0021 to U+007E), as the {@code %XX} of its UTF-8 bytes. A lone
     * surrogate, which no CloudEvents string may hold, is written as {@code ?} (the JDK's UTF-8
     * replacement).
     */
    static String percentEncode(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            plain = isPlain(value.charAt(i));
        }
        if (plain) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int u = b & 0xFF;
            if (isPlain(u)) {
                out.append((char) u);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(u & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isPlain(int c) {
        return c > 0x20 && c < 0x7F && c != '"' && c != '%';
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
