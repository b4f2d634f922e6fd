package io.herald.bench;

import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.SubscriptionSpec;
import io.herald.embedded.EmbeddedBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** The embedded broker on a fresh data directory, in this JVM; the directory is deleted on close. */
final class HeraldUnderTest extends BrokerApiUnderTest {

    /** The reliable-delivery workloads retry a nack at once: they measure the mechanism, not a configured backoff. */
    static final RetryPolicy IMMEDIATE_RETRY = RetryPolicy.DEFAULT.backoff(Duration.ZERO, 1.0, Duration.ZERO);

    private final Path dataDir;
    private final EmbeddedBroker broker;

    HeraldUnderTest(Path dataDir) {
        this(dataDir, SubscriptionSpec.DEFAULT_LEASE);
    }

    /** {@code lease}: the lease duration of the KEY and NONE subscriptions {@link #acked} makes. */
    HeraldUnderTest(Path dataDir, Duration lease) {
        this(dataDir, EmbeddedBroker.open(dataDir), lease);
    }

    private HeraldUnderTest(Path dataDir, EmbeddedBroker broker, Duration lease) {
        super(broker, lease);
        this.dataDir = dataDir;
        this.broker = broker;
    }

    EmbeddedBroker broker() {
        return broker;
    }

    @Override
    public String name() {
        return "Herald";
    }

    @Override
    public String ackedShape(Ordering ordering, String consumers) {
        return ordering == Ordering.PARTITION
                ? consumers + " push subscribers of one subscription"
                : "1 push subscriber, concurrency " + consumers;
    }

    @Override
    public void close() throws IOException {
        broker.close();
        deleteRecursively(dataDir);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
