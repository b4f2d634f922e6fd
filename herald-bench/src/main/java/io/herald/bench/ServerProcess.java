package io.herald.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Herald server ({@link ServerMain}) as a separate JVM on a loopback port, on an embedded data
 * directory, so that it shares no heap, JIT or GC pauses with the load generator, as
 * {@link KafkaProcess} does for Kafka. Its log goes to {@code server.log} in its directory.
 * {@link #close()} stops it (SIGTERM, then SIGKILL after 20 s); a shutdown hook kills it if this
 * JVM dies first.
 */
final class ServerProcess implements AutoCloseable {

    /**
     * The JVM settings the Kafka broker gets ({@link KafkaProcess}: its start script's 1 GiB heap and
     * G1 with a 20 ms pause goal), so that neither server has more memory or a better-tuned
     * collector. (With G1's default 200 ms goal the server's young pauses after a batch-publish
     * run were 95-170 ms, against 17-43 ms with these.)
     */
    static final List<String> JVM_OPTIONS = KafkaProcess.JVM_OPTIONS;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path dir;
    private final URI url;
    private final Thread killer;

    private ServerProcess(Process process, Path dir, URI url) {
        this.process = process;
        this.dir = dir;
        this.url = url;
        this.killer = new Thread(process::destroyForcibly, "herald-server-process-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts a server on {@code dir/data} and returns once {@code /health/ready} answers 200.
     * {@code extraJvmOptions} come after {@link #JVM_OPTIONS} (a JFR recording, say).
     */
    static ServerProcess start(Path dir, List<String> extraJvmOptions) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        jvm.addAll(extraJvmOptions);
        Path log = dir.resolve("server.log");
        Process process = new ProcessBuilder(JavaCommand.of(jvm, ServerMain.class.getName(),
                List.of("--data", dir.resolve("data").toString(), "--host", "127.0.0.1", "--port", Integer.toString(port))))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServerProcess server = new ServerProcess(process, dir, URI.create("http://127.0.0.1:" + port));
        try {
            server.awaitReady(log);
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady(Path log) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest ready = HttpRequest.newBuilder(url.resolve("/health/ready")).timeout(Duration.ofSeconds(2)).build();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Herald server exited with " + process.exitValue() + " while starting; see "
                            + log + ":\n" + tail(log));
                }
                try {
                    if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Herald server was not ready within " + START_TIMEOUT.toSeconds() + " s; see "
                            + log + ":\n" + tail(log));
                }
                Thread.sleep(100);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    URI url() {
        return url;
    }

    Path directory() {
        return dir;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run: nothing to remove
        }
    }
}
