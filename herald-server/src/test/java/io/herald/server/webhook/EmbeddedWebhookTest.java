package io.herald.server.webhook;

import io.herald.Herald;
import io.herald.broker.Broker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;

/** Webhooks on the embedded backend: a fresh data directory per test; a restart reopens it. */
class EmbeddedWebhookTest extends WebhookContract {

    private Path directory;

    @Override
    protected Broker openBroker() throws Exception {
        directory = Files.createTempDirectory("herald-webhook-test");
        return Herald.embedded(directory);
    }

    @Override
    protected Broker reopenBroker() {
        return Herald.embedded(directory);
    }

    /** One process owns a data directory: a second registry on the same broker stands in for another server. */
    @Override
    protected Broker peerBroker() {
        return broker;
    }

    @AfterEach
    void deleteDirectory() throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
