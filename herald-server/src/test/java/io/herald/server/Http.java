package io.herald.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A plain HTTP client for API tests: real requests over loopback, answers with their status, headers and body. */
public final class Http {

    private final URI base;
    private final HttpClient client;
    private final Optional<String> token;

    public Http(URI base) {
        this(base, Optional.empty(), HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    private Http(URI base, Optional<String> token, HttpClient client) {
        this.base = base;
        this.token = token;
        this.client = client;
    }

    public Http withToken(String value) {
        return new Http(base, Optional.ofNullable(value), client);
    }

    public URI base() {
        return base;
    }

    public Answer get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Answer delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    public Answer post(String path, String body, String... headers) {
        return send("POST", path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    public Answer put(String path, String body, String... headers) {
        return send("PUT", path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** A JSON body with {@code Content-Type: application/json}. */
    public Answer postJson(String path, String json) {
        return post(path, json, "Content-Type", "application/json");
    }

    public Answer putJson(String path, String json) {
        return put(path, json, "Content-Type", "application/json");
    }

    public Answer send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> h = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            return new Answer(r.statusCode(), h, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, headers (lower-case names), body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + text(), e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers.getOrDefault("content-type", "") + " " + text();
        }
    }
}
