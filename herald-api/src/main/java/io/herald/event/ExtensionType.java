package io.herald.event;

import java.net.URISyntaxException;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The CloudEvents 1.0 type of an extension attribute's value (spec section "Type System").
 * {@link Event#extensions()} holds every value in its canonical string form, the encoding the
 * spec gives each type; this says how to read it back, as {@link Event#extensionValue} does:
 *
 * <pre>
 * type        canonical string                        extensionValue
 * STRING      the string                              String
 * INTEGER     decimal, no '+', no leading zero        Integer (32-bit signed)
 * BOOLEAN     true or false                           Boolean
 * URI         an absolute URI (RFC 3986)              java.net.URI
 * URI_REF     a URI-reference (RFC 3986)              java.net.URI
 * TIMESTAMP   an RFC 3339 date-time, as given         OffsetDateTime, at its offset
 * BINARY      base64 (RFC 4648, with padding)         byte[], a new array each call
 * </pre>
 *
 * A typed value must have its canonical form, so each value has one string and equal values
 * equal strings; a {@code TIMESTAMP} is kept as written (RFC 3339 names one instant in many ways).
 */
public enum ExtensionType {
    STRING("string"),
    INTEGER("integer"),
    BOOLEAN("boolean"),
    URI("uri"),
    URI_REF("uri-reference"),
    TIMESTAMP("timestamp"),
    BINARY("binary");

    private final String text;

    ExtensionType(String text) {
        this.text = text;
    }

    /** The spec's name of the type in lower case ({@code uri-reference}); how Herald writes it in text. */
    public String text() {
        return text;
    }

    /** The type named by {@link #text()}; throws {@link IllegalArgumentException} listing the names otherwise. */
    public static ExtensionType fromText(String text) {
        for (ExtensionType type : values()) {
            if (type.text.equals(text)) {
                return type;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is no CloudEvents extension type; the types are "
                + "string, integer, boolean, uri, uri-reference, timestamp and binary");
    }

    /**
     * The value a canonical string of this type stands for; throws {@link IllegalArgumentException}
     * whose message completes "'text' ...", such as "is not a 32-bit integer".
     */
    Object parse(String canonical) {
        return switch (this) {
            case STRING -> canonical;
            case INTEGER -> parseInteger(canonical);
            case BOOLEAN -> switch (canonical) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("is not 'true' or 'false'");
            };
            case URI -> {
                java.net.URI uri = parseUri(canonical, "is not an absolute URI (RFC 3986)");
                if (!uri.isAbsolute()) {
                    throw new IllegalArgumentException("is not an absolute URI (RFC 3986): it has no scheme");
                }
                yield uri;
            }
            case URI_REF -> parseUri(canonical, "is not a URI-reference (RFC 3986)");
            case TIMESTAMP -> {
                try {
                    yield Rfc3339.parseWithOffset(canonical);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("is not an RFC 3339 date-time such as 2026-12-07T10:00:00+02:00");
                }
            }
            case BINARY -> parseBase64(canonical);
        };
    }

    private static Integer parseInteger(String text) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a 32-bit integer");
        }
        String canonical = Integer.toString(value);
        if (!canonical.equals(text)) {
            throw new IllegalArgumentException("is not a 32-bit integer in canonical form ('" + canonical + "')");
        }
        return value;
    }

    private static java.net.URI parseUri(String text, String problem) {
        try {
            return new java.net.URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem + ": " + e.getReason());
        }
    }

    private static byte[] parseBase64(String text) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not base64 (RFC 4648, with padding): " + e.getMessage());
        }
        // the decoder lets unused bits of the last character be anything: one string per value
        if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw new IllegalArgumentException("is not base64 in canonical form (RFC 4648, with padding)");
        }
        return bytes;
    }
}
