package io.herald.embedded;

import io.herald.EmbeddedConfig;
import io.herald.broker.Broker;
import io.herald.testkit.BrokerFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** An embedded broker on a temporary directory, with retention running every 100 ms. */
final class EmbeddedFixture implements BrokerFixture {

    private final Path dir;
    private final EmbeddedConfig config;
    private Broker broker;

    EmbeddedFixture() throws IOException {
        this.dir = Files.createTempDirectory("herald-conformance");
        this.config = EmbeddedConfig.of(dir).retentionInterval(Duration.ofMillis(100));
        this.broker = EmbeddedBroker.open(config);
    }

    Path dir() {
        return dir;
    }

    @Override
    public Broker broker() {
        return broker;
    }

    @Override
    public Broker restart() {
        broker.close();
        broker = EmbeddedBroker.open(config);
        return broker;
    }

    @Override
    public void close() throws IOException {
        broker.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
