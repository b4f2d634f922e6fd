package io.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Herald server ({@link ServerMain}) as a separate JVM on a loopback port, on an embedded data
 * directory, as {@link KafkaProcess} runs Kafka ({@link ChildJvm}: how it starts and stops). Its
 * log goes to {@code server.log} in its directory.
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

    private final ChildJvm jvm;
    private final Path dir;
    private final URI url;

    private ServerProcess(ChildJvm jvm, Path dir, URI url) {
        this.jvm = jvm;
        this.dir = dir;
        this.url = url;
    }

    /**
     * Starts a server on {@code dir/data} and returns once {@code /health/ready} answers 200.
     * {@code extraJvmOptions} come after {@link #JVM_OPTIONS} (a JFR recording, say).
     */
    static ServerProcess start(Path dir, List<String> extraJvmOptions) throws Exception {
        Files.createDirectories(dir);
        int port = ChildJvm.freePort();
        List<String> jvm = new ArrayList<>(JVM_OPTIONS);
        jvm.addAll(extraJvmOptions);
        URI url = URI.create("http://127.0.0.1:" + port);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpRequest ready = HttpRequest.newBuilder(url.resolve("/health/ready")).timeout(Duration.ofSeconds(2)).build();
            ChildJvm child = ChildJvm.start("the Herald server", JavaCommand.of(jvm, ServerMain.class.getName(),
                            List.of("--data", dir.resolve("data").toString(), "--host", "127.0.0.1", "--port", Integer.toString(port))),
                    dir.resolve("server.log"), START_TIMEOUT,
                    () -> client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
            return new ServerProcess(child, dir, url);
        }
    }

    URI url() {
        return url;
    }

    Path directory() {
        return dir;
    }

    long pid() {
        return jvm.pid();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
