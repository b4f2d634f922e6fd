package io.herald.event;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CloudEvents 1.0 rules an event must keep (spec section "Context Attributes" and the W3C Trace
 * Context format for {@code traceparent}). Each failure names the attribute and the problem.
 */
final class EventValidation {

    /** Core attribute names, which an extension may not reuse. */
    static final Set<String> CORE_ATTRIBUTES = Set.of(
            "id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time",
            "data", "data_base64");

    // RFC 2046 / RFC 7231: type "/" subtype, then optional parameters.
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;.*)?");
    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]+");

    private EventValidation() {
    }

    static void validate(Event event) {
        if (!event.hasUuidId()) {
            requireNonEmpty("id", event.id());
        }
        requireNonEmpty("source", event.source());
        if (!isUriReference(event.source())) {
            throw new InvalidEventException("source", "must be a URI-reference (RFC 3986), got '" + event.source() + "'");
        }
        requireNonEmpty("type", event.type());
        String subject = event.rawSubject();
        if (subject != null && subject.isEmpty()) {
            throw new InvalidEventException("subject", "must not be empty when present");
        }
        String contentType = event.rawDataContentType();
        if (contentType != null && !contentType.equals(Event.APPLICATION_JSON) && !MEDIA_TYPE.matcher(contentType).matches()) {
            throw new InvalidEventException("datacontenttype",
                    "must be an RFC 2046 media type such as 'application/json', got '" + contentType + "'");
        }
        String schema = event.rawDataSchema();
        if (schema != null) {
            validateDataSchema(schema);
        }
        for (Map.Entry<String, String> extension : event.extensions().entrySet()) {
            validateExtension(extension.getKey(), extension.getValue());
        }
        if (event.rawExtensionTypes() != null) {
            for (Map.Entry<String, ExtensionType> typed : event.rawExtensionTypes().entrySet()) {
                validateTypedValue(typed.getKey(), typed.getValue(), event.extensions().get(typed.getKey()));
            }
        }
    }

    /** A typed extension's canonical string must be one of its type ({@link ExtensionType}). */
    private static void validateTypedValue(String name, ExtensionType type, String value) {
        try {
            type.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(name, "is typed " + type.text() + " but '" + value + "' " + e.getMessage());
        }
    }

    private static void requireNonEmpty(String attribute, String value) {
        if (value == null) {
            throw new InvalidEventException(attribute, "is required");
        }
        if (value.isEmpty()) {
            throw new InvalidEventException(attribute, "must be a non-empty string");
        }
    }

    private static void validateDataSchema(String schema) {
        if (schema.isEmpty()) {
            throw new InvalidEventException("dataschema", "must be a non-empty absolute URI when present");
        }
        try {
            if (!new URI(schema).isAbsolute()) {
                throw new InvalidEventException("dataschema", "must be an absolute URI, got '" + schema + "'");
            }
        } catch (URISyntaxException e) {
            throw new InvalidEventException("dataschema", "must be an absolute URI, got '" + schema + "': " + e.getReason());
        }
    }

    private static void validateExtension(String name, String value) {
        switch (name) {
            case Event.PARTITION_KEY, Event.CORRELATION_ID, Event.CAUSATION_ID -> {
                requireNonEmpty(name, value);
                return;
            }
            case Event.TRACEPARENT -> {
                validateTraceparent(value);
                return;
            }
            case null -> throw new InvalidEventException("null", "is not a valid extension name");
            default -> {
                // any other extension: check the name below
            }
        }
        if (!EXTENSION_NAME.matcher(name).matches()) {
            throw new InvalidEventException(String.valueOf(name),
                    "is not a valid extension name: CloudEvents allows only lower-case letters a-z and digits 0-9");
        }
        if (CORE_ATTRIBUTES.contains(name)) {
            throw new InvalidEventException(name, "is a core attribute and cannot be set as an extension");
        }
        // other extensions: any string value; the spec places no further rule on them
    }

    private static void validateTraceparent(String value) {
        var m = TRACEPARENT.matcher(value);
        if (!m.matches()) {
            throw new InvalidEventException(Event.TRACEPARENT,
                    "must be a W3C trace context 'version-traceid-parentid-flags' such as "
                            + "'00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', got '" + value + "'");
        }
        if (m.group(1).equals("ff")) {
            throw new InvalidEventException(Event.TRACEPARENT, "has the forbidden version 'ff': '" + value + "'");
        }
        if (m.group(2).chars().allMatch(c -> c == '0')) {
            throw new InvalidEventException(Event.TRACEPARENT, "has an all-zero trace id: '" + value + "'");
        }
        if (m.group(3).chars().allMatch(c -> c == '0')) {
            throw new InvalidEventException(Event.TRACEPARENT, "has an all-zero parent id: '" + value + "'");
        }
    }

    /**
     * Whether the text is an RFC 3986 URI-reference. Most sources are paths or plain names, which
     * a character scan settles without the cost of {@link URI} parsing on the publish path.
     */
    static boolean isUriReference(String text) {
        boolean simple = true;
        for (int i = 0; i < text.length() && simple; i++) {
            char c = text.charAt(i);
            simple = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '/' || c == '.' || c == '_' || c == '~' || c == '-';
        }
        if (simple) {
            return true;
        }
        try {
            new URI(text);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
