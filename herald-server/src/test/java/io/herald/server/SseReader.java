package io.herald.server;

import io.herald.http.ServerSentEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events reader for tests, over java.net.http: the answer is parsed as it arrives
 * by the clients' own parser ({@link ServerSentEvents}) into a queue the test takes from.
 * {@link #close()} drops the connection, as a client that goes away does.
 */
final class SseReader implements AutoCloseable {

    /** One event as a browser's EventSource would dispatch it. */
    record Event(String id, String name, String data) {
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final HttpResponse<java.io.InputStream> response;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private SseReader(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Thread.ofPlatform().daemon(true).name("sse-test-reader").start(this::parse);
    }

    /** Opens {@code path} on the server with {@code Accept: text/event-stream} and the given headers (name, value, ...). */
    static SseReader open(Http http, String path, String... headers) {
        return new SseReader(http.base().resolve(path), headers);
    }

    int status() {
        return response.statusCode();
    }

    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The next event, waiting up to {@code timeout}; an AssertionError when none comes. */
    Event next(Duration timeout) throws InterruptedException {
        Event e = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (e == null) {
            throw new AssertionError("no server-sent event within " + timeout + (ended.isDone() ? "; the stream has ended" : ""));
        }
        return e;
    }

    /** The next {@code count} events, each within {@code timeout} of the one before. */
    List<Event> take(int count, Duration timeout) throws InterruptedException {
        List<Event> taken = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            taken.add(next(timeout));
        }
        return taken;
    }

    /** Completes when the server ends the answer (or the connection drops). */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /** Events received and not taken yet. */
    List<Event> pending() {
        return List.copyOf(events);
    }

    private void parse() {
        try (ServerSentEvents stream = new ServerSentEvents(response.body())) {
            for (ServerSentEvents.Event e = stream.next(); e != null; e = stream.next()) {
                events.add(new Event(e.id(), e.name(), e.data()));
            }
            ended.complete(null);
        } catch (IOException | RuntimeException e) {
            ended.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        // dropping the connection, not a graceful end: HttpClient.close() would wait for the answer to end
        client.shutdownNow();
        try {
            response.body().close();
        } catch (IOException | RuntimeException e) {
            // already closed by the shutdown
        }
    }
}
