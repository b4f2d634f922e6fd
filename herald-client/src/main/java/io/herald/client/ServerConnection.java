package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.BrokerClosedException;
import io.herald.error.HeraldException;
import io.herald.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Requests to one Herald server: the base URL, the bearer token, one {@link HttpClient}
 * (HTTP/1.1; the server's long polls and streams hold a connection each). An answer outside 2xx
 * becomes the Broker API's exception ({@link ServerProblem}); a server that does not answer, a
 * {@link ServerUnreachableException} naming it; a call after {@link #close()}, a
 * {@link BrokerClosedException}. Thread-safe.
 */
final class ServerConnection implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long an ordinary request may take; long polls add their wait. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String prefix;
    private final Optional<String> token;
    private final HttpClient client;
    private volatile boolean closed;

    ServerConnection(URI base, Optional<String> token) {
        this.base = base;
        String text = base.toString();
        this.prefix = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.token = token;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    URI base() {
        return base;
    }

    /** One request, built by the caller and sent once. */
    static final class Request {
        private final String method;
        private final String path;
        private final Map<String, String> query = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body;
        private String contentType;
        private String accept = "application/json";
        private Duration timeout = CALL_TIMEOUT;
        private Optional<String> topic = Optional.empty();

        private Request(String method, String path) {
            this.method = method;
            this.path = path;
        }

        static Request get(String path) {
            return new Request("GET", path);
        }

        static Request post(String path) {
            return new Request("POST", path);
        }

        static Request put(String path) {
            return new Request("PUT", path);
        }

        static Request delete(String path) {
            return new Request("DELETE", path);
        }

        Request query(String name, Object value) {
            query.put(name, String.valueOf(value));
            return this;
        }

        /** A header of the request's own (a CloudEvents attribute in binary mode); Content-Type goes with the body. */
        void header(String name, String value) {
            if (name.equalsIgnoreCase("Content-Type")) {
                contentType = value;
            } else {
                headers.put(name, value);
            }
        }

        Request json(JsonNode value) {
            return body(Json.write(value), "application/json");
        }

        /** The body; {@code type} null keeps the Content-Type a {@link #header} gave (or none). */
        Request body(byte[] bytes, String type) {
            this.body = bytes;
            if (type != null) {
                this.contentType = type;
            }
            return this;
        }

        Request accept(String type) {
            this.accept = type;
            return this;
        }

        /** How long to wait for the answer; empty = as long as it takes (a redrive of a long queue). */
        Request timeout(Optional<Duration> value) {
            this.timeout = value.orElse(null);
            return this;
        }

        Request timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** The topic the request is about, for an answer that does not name it. */
        Request about(String value) {
            this.topic = Optional.of(value);
            return this;
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** An answer: status, content type, body. */
    record Answer(int status, Optional<String> contentType, byte[] body) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new HeraldException("the server's answer is not JSON: " + e.getMessage(), e);
            }
        }

        /** The body as a tree that keeps these members' JSON as the server wrote it ({@link Json#treeKeepingRaw}). */
        JsonNode json(Set<String> raw) {
            try {
                return Json.treeKeepingRaw(body, raw);
            } catch (IllegalArgumentException e) {
                throw new HeraldException("the server's answer is not JSON: " + e.getMessage(), e);
            }
        }
    }

    /** Sends the request; a 2xx answer, or the exception the answer stands for. */
    Answer call(Request request) {
        Answer answer = exchange(request);
        if (!answer.ok()) {
            throw failure(answer, request);
        }
        return answer;
    }

    /** Sends the request; the answer whatever its status. */
    Answer exchange(Request request) {
        HttpResponse<byte[]> r = send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type"), r.body());
    }

    /** Opens a stream (Server-Sent Events): its body on a 200 answer, else the exception the answer stands for. */
    InputStream stream(Request request) {
        HttpResponse<InputStream> r = send(request.timeout(Optional.empty()), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 200) {
            return r.body();
        }
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            body = new byte[0];
        }
        throw failure(new Answer(r.statusCode(), r.headers().firstValue("Content-Type"), body), request);
    }

    /** The exception an answer outside 2xx stands for. */
    HeraldException failure(Answer answer, Request request) {
        return ServerProblem.of(answer.status(), answer.contentType(), answer.body())
                .map(p -> p.toException(base, request.topic))
                .orElseGet(() -> new HeraldException("the server at " + base + " answered " + request + " with HTTP " + answer.status()
                        + " and no Herald problem document; is " + base + " a Herald server?"));
    }

    private <T> HttpResponse<T> send(Request request, HttpResponse.BodyHandler<T> handler) {
        checkOpen();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(request)).header("Accept", request.accept);
        if (request.timeout != null) {
            b.timeout(request.timeout);
        }
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        request.headers.forEach(b::header);
        if (request.body != null) {
            if (request.contentType != null) {
                b.header("Content-Type", request.contentType);
            }
            b.method(request.method, HttpRequest.BodyPublishers.ofByteArray(request.body));
        } else {
            b.method(request.method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return client.send(b.build(), handler);
        } catch (HttpConnectTimeoutException e) {
            throw closed ? closedException() : new ServerUnreachableException(base, "cannot connect within "
                    + CONNECT_TIMEOUT.toSeconds() + " s", e);
        } catch (HttpTimeoutException e) {
            throw closed ? closedException() : new ServerUnreachableException(base, "no answer to " + request
                    + (request.timeout == null ? "" : " within " + request.timeout.toSeconds() + " s"), e);
        } catch (ConnectException e) {
            throw closed ? closedException() : new ServerUnreachableException(base, "cannot connect ("
                    + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()) + ")", e);
        } catch (IOException e) {
            throw closed ? closedException() : new ServerUnreachableException(base, request + " failed: "
                    + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw closed ? closedException() : new HeraldException("interrupted while waiting for the Herald server at " + base, e);
        }
    }

    private URI uri(Request request) {
        StringBuilder s = new StringBuilder(prefix).append(request.path);
        char separator = '?';
        for (Map.Entry<String, String> q : request.query.entrySet()) {
            s.append(separator).append(q.getKey()).append('=').append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return URI.create(s.toString());
    }

    boolean closed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private BrokerClosedException closedException() {
        return new BrokerClosedException("this client of the Herald server at " + base);
    }

    /** Refuses new requests and cuts those in flight (long polls, streams) short. */
    @Override
    public void close() {
        closed = true;
        client.shutdownNow();
    }
}
