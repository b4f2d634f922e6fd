package io.herald.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The webhook workload's destination: the JDK's HTTP server on a free loopback port in the bench
 * JVM, a virtual thread per exchange. Every POST is read whole and answered {@code 204} at once;
 * each one adds to {@link #progress()}. Both systems push to the same sink.
 */
final class WebhookSink implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Progress progress = new Progress();

    WebhookSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            progress.add(1);
        });
        server.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Counts calls from now on from zero; returns the new count. */
    Progress reset() {
        progress = new Progress();
        return progress;
    }

    Progress progress() {
        return progress;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
