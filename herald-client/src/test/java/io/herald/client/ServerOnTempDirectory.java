package io.herald.client;

import io.herald.broker.Broker;
import io.herald.server.HeraldServer;
import io.herald.server.config.ServerConfig;
import io.herald.testkit.BrokerFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A Herald server on a fresh data directory (embedded backend, a free loopback port) and a
 * {@link RemoteBroker} on it: the conformance suite's fixture, and {@link RemoteBrokerTest}'s.
 * A restart stops the server cleanly and starts it again on the same directory (a new port), and
 * connects a new client.
 */
final class ServerOnTempDirectory implements BrokerFixture {

    private final Path directory;
    private final ServerConfig config;
    private final Optional<String> token;
    private HeraldServer server;
    private int port;
    private RemoteBroker broker;

    private ServerOnTempDirectory(UnaryOperator<ServerConfig> customize, Optional<String> token) throws IOException {
        this.directory = Files.createTempDirectory("herald-client-test");
        this.config = customize.apply(ServerConfig.embedded(directory).withPort(0));
        this.token = token;
        this.server = HeraldServer.start(config);
        this.port = server.port();
        this.broker = RemoteBroker.connect(server.url(), token);
    }

    static ServerOnTempDirectory start() throws IOException {
        return new ServerOnTempDirectory(c -> c, Optional.empty());
    }

    static ServerOnTempDirectory start(UnaryOperator<ServerConfig> customize, Optional<String> token) throws IOException {
        return new ServerOnTempDirectory(customize, token);
    }

    @Override
    public RemoteBroker broker() {
        return broker;
    }

    HeraldServer server() {
        return server;
    }

    /** The server's own broker: what the API's answers are checked against. */
    Broker inProcess() {
        return server.broker();
    }

    @Override
    public Broker restart() {
        broker.close();
        server.close();
        server = HeraldServer.start(config.withPort(0));
        port = server.port();
        broker = RemoteBroker.connect(server.url(), token);
        return broker;
    }

    /** Stops the server and starts it again on the same directory and port: clients that reconnect find it there. */
    void restartOnSamePort() {
        server.close();
        server = HeraldServer.start(config.withPort(port));
    }

    @Override
    public void close() throws IOException {
        broker.close();
        server.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
