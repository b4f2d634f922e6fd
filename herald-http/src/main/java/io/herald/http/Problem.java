package io.herald.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem document: what every error answer of the server carries, as
 * {@code application/problem+json}. The {@code type} is {@code /problems/<slug>}, one slug per
 * kind of problem (a client may switch on it); {@code detail} names the problem in this
 * request; {@code extensions} carry the member at fault ({@code topic}, {@code parameter},
 * {@code attribute}, ...).
 */
public record Problem(int status, String slug, String title, String detail, Map<String, Object> extensions) {

    public static final String CONTENT_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "/problems/";

    public Problem {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem's status is 4xx or 5xx, got " + status);
        }
        extensions = Map.copyOf(extensions);
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail, Map.of());
    }

    /** This problem with one more member, such as {@code ("parameter", "max")}. */
    public Problem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, value);
        return new Problem(status, slug, title, detail, more);
    }

    public String type() {
        return TYPE_PREFIX + slug;
    }

    /** The document's members in RFC 9457 order, extensions last. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type());
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(extensions);
        return body;
    }

    // ---- the problems a client's own request causes

    public static Problem badRequest(String slug, String detail) {
        return of(400, slug, "Bad request", detail);
    }

    /** A query or path parameter that is missing or wrong. */
    public static Problem badParameter(String parameter, String detail) {
        return of(400, "invalid-parameter", "Invalid parameter", detail).with("parameter", parameter);
    }

    /** A member of a JSON request body that is missing or wrong. */
    public static Problem badField(String field, String detail) {
        return of(400, "invalid-field", "Invalid request body", detail).with("field", field);
    }

    public static Problem notFound(String slug, String detail) {
        return of(404, slug, "Not found", detail);
    }

    public static Problem conflict(String slug, String detail) {
        return of(409, slug, "Conflict", detail);
    }

    public static Problem tooLarge(String detail) {
        return of(413, "too-large", "Content too large", detail);
    }

    public static Problem unsupportedMediaType(String detail) {
        return of(415, "unsupported-media-type", "Unsupported media type", detail);
    }
}
