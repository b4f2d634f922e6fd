package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.embedded.EmbeddedBroker;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald server} from the packaged jar, as users run it: it says where it listens and
 * whether authentication is on, serves, stops cleanly on SIGTERM (the directory released and
 * committed), and exits at once on a second signal while a stop waits for a request.
 */
class ServerCommandIT {

    private static final Path JAR = Path.of("target", "herald-cli.jar");

    @TempDir
    Path data;

    @BeforeEach
    void jarIsBuilt() {
        assumeTrue(Files.isRegularFile(JAR), "run 'mvnw -pl herald-cli verify' to build " + JAR);
    }

    @TempDir
    Path logs;

    private Path output;

    /** The server, its output going to a file (destroy() closes a child's pipes, and the last lines come after it). */
    private Process server() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "server", "--data", data.toString(), "--port", "0"));
        output = logs.resolve("server.out");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Waits for the start-up lines; returns the URL. */
    private URI started(Process server, List<String> lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> now = Files.readAllLines(output, StandardCharsets.UTF_8);
            if (now.stream().anyMatch(l -> l.startsWith("Stop with"))) {
                lines.addAll(now);
                String listening = now.stream().filter(l -> l.contains(" listening on ")).findFirst().orElseThrow();
                return URI.create(listening.substring(listening.indexOf(" listening on ") + " listening on ".length()).trim());
            }
            if (!server.isAlive()) {
                throw new AssertionError("the server ended before it listened: " + now);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server did not start within 60 s: " + Files.readString(output));
    }

    /** Polls /health/ready until its answer's body satisfies {@code until}. */
    private static void awaitReady(HttpClient http, URI url, java.util.function.Predicate<String> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.send(HttpRequest.newBuilder(url.resolve("/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (until.test(body)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("/health/ready never answered as awaited; last: " + body);
    }

    @Test
    void itServesAndStopsCleanlyOnSigterm() throws Exception {
        Process server = server();
        try {
            List<String> lines = new ArrayList<>();
            URI url = started(server, lines);
            assertThat(lines).anyMatch(l -> l.contains("authentication: off (loopback only)"));
            assertThat(lines).anyMatch(l -> l.contains("broker: embedded, data directory " + data.toAbsolutePath()));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(url.resolve("/topics"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"orders\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);

            server.destroy(); // SIGTERM

            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
            assertThat(Files.readString(output)).contains("Herald server stopped");
            assertThat(Files.exists(data.resolve("server.json"))).isFalse();
            try (EmbeddedBroker reopened = EmbeddedBroker.open(data)) {
                assertThat(reopened.describeTopic("orders").name()).isEqualTo("orders");
            }
        } finally {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSecondSignalExitsAtOnceWhileTheStopWaitsForARequest() throws Exception {
        Process server = server();
        try {
            URI url = started(server, new ArrayList<>());
            try (Socket slow = new Socket(url.getHost(), url.getPort())) {
                // a request whose body never comes: a clean stop waits for it (up to the 10 s grace)
                OutputStream out = slow.getOutputStream();
                out.write("POST /topics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                HttpClient http = HttpClient.newHttpClient();
                awaitReady(http, url, body -> body.contains("\"requestsInFlight\":2")); // the slow request and this one
                server.destroy();
                awaitReady(http, url, body -> body.contains("shutting down") || body.contains("not-ready"));
                assertThat(server.isAlive()).as("the first signal waits for the request").isTrue();

                server.destroy();

                assertThat(server.waitFor(5, TimeUnit.SECONDS)).as("the second signal ends it at once").isTrue();
                assertThat(server.exitValue()).isEqualTo(130);
            }
        } finally {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
