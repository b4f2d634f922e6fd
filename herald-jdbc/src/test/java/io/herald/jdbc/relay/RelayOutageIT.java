package io.herald.jdbc.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import io.herald.jdbc.ControlledBroker;
import io.herald.jdbc.TestPostgres;
import io.herald.jdbc.TopicContents;
import io.herald.jdbc.outbox.Outbox;
import io.herald.jdbc.schema.HeraldSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages while the relay runs and a writer keeps committing: PostgreSQL is stopped and started
 * again on the same data directory and port, then the broker refuses every publish for a while.
 * Nobody touches the relay: it reconnects and retries by itself, and in the end every committed
 * event is published, nothing else, and per key in commit order.
 */
class RelayOutageIT {

    private static final String TOPIC = "orders";

    @TempDir
    Path pgData;
    @TempDir
    Path brokerDir;

    @Test
    void aPostgresRestartAndABrokerOutageLoseNothingAndNeedNoHelp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = TestPostgres.start(pgData, port);
        DataSource ds = TestPostgres.dataSource(port, "postgres");
        HeraldSchema.migrate(ds);
        try (Broker real = EmbeddedBroker.open(brokerDir)) {
            real.createTopic(TOPIC, TopicSpec.partitions(2));
            ControlledBroker broker = new ControlledBroker(real);
            Writer writer = new Writer(ds);
            Thread writing = Thread.ofPlatform().start(writer);
            RelayConfig config = RelayConfig.defaults().withPollInterval(Duration.ofMillis(100))
                    .withBackoff(Duration.ofMillis(20), Duration.ofMillis(300));
            try (OutboxRelay relay = OutboxRelay.start(ds, broker, config)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> published(real).size() >= 50);

                pg.close(); // a clean stop, as for a PostgreSQL upgrade or failover
                int failedBefore = writer.failures.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> writer.failures.get() >= failedBefore + 5);
                pg = TestPostgres.start(pgData, port);
                int committedAfterRestart = writer.committed.size();
                await().atMost(Duration.ofSeconds(20)).until(() -> writer.committed.size() > committedAfterRestart + 20);
                await().atMost(Duration.ofSeconds(20)).until(() -> published(real).size() >= committedAfterRestart);

                broker.available = false;
                int refusedBefore = broker.refused();
                await().atMost(Duration.ofSeconds(10)).until(() -> broker.refused() >= refusedBefore + 5);
                assertThat(relay.stats().lastError()).hasValueSatisfying(e -> assertThat(e).contains("unavailable"));
                broker.available = true;

                writer.stop();
                writing.join();
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().pending() == 0);
                assertThat(relay.stats().lastError()).isEmpty();
            } finally {
                writer.stop();
                writing.join();
                pg.close();
            }
            List<StoredEvent> published = published(real);
            Set<String> ids = new HashSet<>();
            published.forEach(e -> ids.add(e.event().id()));
            assertThat(writer.failure).isNull();
            assertThat(ids).as("every committed event").containsAll(writer.committed);
            Set<String> possible = new HashSet<>(writer.committed);
            possible.addAll(writer.unknownOutcome);
            assertThat(possible).as("nothing that was not committed").containsAll(ids);
            FirstPublications.assertInCommitOrder(published, writer.committed, "outage");
        }
    }

    private static List<StoredEvent> published(Broker broker) {
        return TopicContents.read(broker, TOPIC);
    }

    /**
     * One thread committing one event per transaction on a fresh connection each time. A commit
     * that fails with the connection has an unknown outcome: it may or may not have committed.
     */
    private static final class Writer implements Runnable {
        final List<String> committed = Collections.synchronizedList(new ArrayList<>());
        final Set<String> unknownOutcome = ConcurrentHashMap.newKeySet();
        final AtomicInteger failures = new AtomicInteger();
        private final DataSource ds;
        private volatile boolean running = true;
        volatile Throwable failure;

        Writer(DataSource ds) {
            this.ds = ds;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            Outbox outbox = Outbox.create();
            try {
                for (int n = 0; running; n++) {
                    Event e = Event.builder().type("order.placed").source("/outage").partitionKey("k" + n % 3).data("x").build();
                    try (Connection c = ds.getConnection()) {
                        c.setAutoCommit(false);
                        outbox.publish(c, TOPIC, e);
                        unknownOutcome.add(e.id());
                        c.commit();
                        unknownOutcome.remove(e.id());
                        committed.add(e.id());
                    } catch (SQLException down) {
                        failures.incrementAndGet();
                    }
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // pacing, and a pause between reconnects
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }
}
