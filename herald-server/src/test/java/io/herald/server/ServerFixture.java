package io.herald.server;

import io.herald.EmbeddedConfig;
import io.herald.KafkaConfig;
import io.herald.kafka.InJvmKafka;
import io.herald.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A Herald server for one test, on a backend of its own: a fresh data directory, or the shared
 * in-JVM Kafka broker (tests keep apart by unique topic names). Listens on a free loopback port.
 */
public final class ServerFixture implements AutoCloseable {

    private final ServerConfig config;
    private final Path directory;
    private HeraldServer server;

    private ServerFixture(ServerConfig config, Path directory) {
        this.config = config;
        this.directory = directory;
        this.server = HeraldServer.start(config);
    }

    /** A server on a fresh data directory; {@code customize} changes the settings (tokens, limits, ...). */
    public static ServerFixture embedded(UnaryOperator<ServerConfig> customize) throws IOException {
        Path dir = Files.createTempDirectory("herald-server-test");
        return new ServerFixture(customize.apply(ServerConfig.embedded(dir).withPort(0)), dir);
    }

    /** A server on the in-JVM Kafka broker. */
    public static ServerFixture kafka(InJvmKafka kafka, UnaryOperator<ServerConfig> customize) {
        ServerConfig base = ServerConfig.embedded(Path.of("unused")).withPort(0)
                .withBackend(KafkaConfig.of(kafka.bootstrapServers()));
        return new ServerFixture(customize.apply(base), null);
    }

    public HeraldServer server() {
        return server;
    }

    public Http http() {
        return new Http(server.url());
    }

    public boolean onKafka() {
        return config.backend() instanceof KafkaConfig;
    }

    /** Stops the server cleanly and starts it again on the same storage and settings (a new port). */
    public HeraldServer restart() {
        server.close();
        server = HeraldServer.start(config.withPort(0));
        return server;
    }

    /** The data directory of an embedded server. */
    public Path dataDirectory() {
        return ((EmbeddedConfig) config.backend()).dataDirectory();
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
