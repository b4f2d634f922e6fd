package io.herald.server;

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
import java.util.stream.Stream;

/** A Server-Sent Events client for tests: reads the stream on its own thread into a queue of events. */
public final class SseClient implements AutoCloseable {

    /** One event as the stream carried it. */
    public record Event(String id, String name, String data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final HttpClient client = HttpClient.newHttpClient();
    private volatile int status;
    private volatile Stream<String> lines;

    private SseClient(HttpRequest request) {
        this.response = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        Thread.ofVirtual().start(this::read);
    }

    public static SseClient open(URI uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return new SseClient(b.build());
    }

    private void read() {
        try {
            HttpResponse<Stream<String>> r = response.join();
            status = r.statusCode();
            lines = r.body();
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            var it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(6));
                }
            }
        } catch (RuntimeException e) {
            // closed by the test or the server
        }
    }

    /** The next event, waiting up to {@code wait}; null if none came. */
    public Event next(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next {@code count} events; fails if they do not all come within {@code wait}. */
    public List<Event> take(int count, Duration wait) throws InterruptedException {
        List<Event> got = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (got.size() < count) {
            long left = deadline - System.nanoTime();
            Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                throw new AssertionError("got " + got.size() + " of " + count + " events within " + wait + ": " + got);
            }
            got.add(e);
        }
        return got;
    }

    /** Events received and not yet taken. */
    public int buffered() {
        return events.size();
    }

    public int status() {
        return status;
    }

    @Override
    public void close() {
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
        response.cancel(true);
        client.shutdownNow();
    }
}
