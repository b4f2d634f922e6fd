package io.herald.server.webhook;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver for tests: the JDK's HTTP server on a free loopback port, answering each
 * path by a script (a queue of replies, then a default), recording every call with the
 * {@code System.nanoTime()} it arrived and was answered at (the same clock the server's rate
 * limit and breaker use, so bounds between them are exact).
 */
final class Sink implements AutoCloseable {

    /** How to answer one call. */
    record Reply(int status, String body, Map<String, String> headers, Duration hang) {
        static Reply status(int status) {
            return new Reply(status, "", Map.of(), Duration.ZERO);
        }

        Reply body(String text) {
            return new Reply(status, text, headers, hang);
        }

        Reply header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, body, more, hang);
        }

        /** Waits this long before answering (longer than a webhook's timeout: the call times out). */
        Reply after(Duration wait) {
            return new Reply(status, body, headers, wait);
        }
    }

    /** One call as it arrived; header names in lower case. */
    record Received(String path, Map<String, String> headers, byte[] body, long arrivedNanos, long answeredNanos, Instant at) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Deque<Reply>> scripts = new HashMap<>();
    private final Map<String, Reply> defaults = new HashMap<>();
    private final List<Received> calls = new ArrayList<>();

    private Sink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static Sink start() throws IOException {
        return new Sink();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Answers calls to {@code path} with these replies in turn, then with {@code then} for good. */
    synchronized Sink script(String path, Reply then, Reply... first) {
        scripts.put(path, new ArrayDeque<>(List.of(first)));
        defaults.put(path, then);
        return this;
    }

    synchronized List<Received> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Received> calls(String path) {
        return calls.stream().filter(c -> c.path().equals(path)).toList();
    }

    /** Waits for at least {@code n} calls to {@code path}; returns them all. */
    List<Received> awaitCalls(String path, int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> calls(path).size() >= n);
        return calls(path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        Instant at = Instant.now();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.getFirst()));
        String path = exchange.getRequestURI().getPath();
        Reply reply;
        int index;
        synchronized (this) {
            Deque<Reply> script = scripts.get(path);
            reply = script != null && !script.isEmpty() ? script.poll() : defaults.getOrDefault(path, Reply.status(200));
            index = calls.size();
            calls.add(new Received(path, headers, body, arrived, Long.MAX_VALUE, at));
        }
        try {
            if (!reply.hang().isZero()) {
                closing.await(reply.hang().toMillis(), TimeUnit.MILLISECONDS);
            }
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            reply.headers().forEach((n, v) -> exchange.getResponseHeaders().add(n, v));
            synchronized (this) {
                Received r = calls.get(index);
                calls.set(index, new Received(r.path(), r.headers(), r.body(), r.arrivedNanos(), System.nanoTime(), r.at()));
            }
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the caller gave up (a timed-out webhook call): nothing to answer
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
