package io.herald.jdbc.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.herald.broker.Broker;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import io.herald.jdbc.TestPostgres;
import io.herald.jdbc.TopicContents;
import io.herald.jdbc.inbox.Inbox;
import io.herald.jdbc.outbox.Outbox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code kill -9} of the relay's process, many times, half of them in the window between the
 * broker's acknowledgement and the delete of the rows, while a writer keeps committing (and
 * rolling back) outbox transactions: every committed event is published at least once, nothing
 * rolled back is, per key the first publications follow the commit order, and a subscription
 * handling the topic through the inbox applies each event exactly once although some were
 * published twice. {@code -Dherald.crash.rounds} sets the rounds (20 by default).
 */
class RelayCrashIT {

    private static final String TOPIC = "payments";
    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");

    @TempDir
    Path brokerDir;

    @Test
    void everyCommittedEventIsPublishedAtLeastOnceAndTakesEffectOnce() throws Exception {
        int rounds = Integer.getInteger("herald.crash.rounds", 20);
        long seed = Long.getLong("herald.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        PGSimpleDataSource ds = (PGSimpleDataSource) TestPostgres.newMigratedDatabase();
        try (Broker broker = EmbeddedBroker.open(brokerDir)) {
            broker.createTopic(TOPIC, TopicSpec.partitions(2));
        }
        Writer writer = new Writer(ds, new Random(seed + 1));
        Thread writing = Thread.ofPlatform().start(writer);
        int killsAfterAck = 0;
        for (int round = 0; round < rounds; round++) {
            AtomicBoolean leading = new AtomicBoolean();
            AtomicInteger acks = new AtomicInteger();
            try (RelayProcess relay = RelayProcess.start(line -> {
                if (line.equals("LEADER")) {
                    leading.set(true);
                } else if (line.startsWith("ACKED")) {
                    acks.incrementAndGet();
                }
            }, ds.getURL(), brokerDir.toString())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> leading.get() || !relay.isAlive());
                assertThat(relay.isAlive()).as("round %d (seed %d): relay process alive", round, seed).isTrue();
                if (round % 2 == 0) {
                    // between publish and delete: the acknowledgement was printed, the delete is 40 ms away
                    int seen = acks.get();
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> acks.get() > seen);
                    killsAfterAck++;
                } else {
                    long until = System.nanoTime() + Duration.ofMillis(random.nextInt(300)).toNanos();
                    await().pollInterval(Duration.ofMillis(5)).until(() -> System.nanoTime() >= until);
                }
                relay.kill();
            }
        }
        writer.stop();
        writing.join();
        assertThat(writer.failure).as("writer").isNull();

        try (Broker broker = EmbeddedBroker.open(brokerDir);
             OutboxRelay relay = OutboxRelay.start(ds, broker, RelayConfig.defaults().withPollInterval(Duration.ofMillis(50)))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().pending() == 0);
            List<StoredEvent> published = TopicContents.read(broker, TOPIC);
            List<String> ids = published.stream().map(e -> e.event().id()).toList();
            assertThat(writer.committed).as("seed %d: the writer committed throughout", seed).hasSizeGreaterThan(rounds * 5);
            assertThat(new HashSet<>(ids)).as("seed %d: every committed event published, nothing rolled back", seed)
                    .containsExactlyInAnyOrderElementsOf(writer.committed);
            assertThat(ids.size()).as("seed %d: %d kills after an acknowledgement published some twice", seed, killsAfterAck)
                    .isGreaterThan(writer.committed.size());
            FirstPublications.assertInCommitOrder(published, writer.committed, "seed " + seed);
            assertInboxAppliesEachOnce(broker, ds, writer.committed, ids.size(), seed);
        }
    }

    private static void assertInboxAppliesEachOnce(Broker broker, DataSource ds, List<String> committed, int deliveries, long seed)
            throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE effect (event_id text NOT NULL)");
        }
        AtomicInteger handled = new AtomicInteger();
        HikariConfig poolConfig = new HikariConfig();
        poolConfig.setDataSource(ds);
        poolConfig.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(poolConfig)) {
            DeliveryHandler throughInbox = Inbox.create().handler(pool, "ledger", (conn, event) -> {
                try (PreparedStatement insert = conn.prepareStatement("INSERT INTO effect VALUES (?)")) {
                    insert.setString(1, event.id());
                    insert.executeUpdate();
                }
            });
            try (Subscriber ignored = broker.subscribe(TOPIC, "ledger", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST),
                    delivery -> {
                        throughInbox.handle(delivery);
                        handled.incrementAndGet();
                    })) {
                await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() >= deliveries);
            }
        }
        Map<String, Integer> effects = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id, count(*) FROM effect GROUP BY event_id")) {
            while (rs.next()) {
                effects.put(rs.getString(1), rs.getInt(2));
            }
        }
        assertThat(effects.keySet()).as("seed %d: every committed event took effect", seed).containsExactlyInAnyOrderElementsOf(committed);
        assertThat(new HashSet<>(effects.values())).as("seed %d: each exactly once", seed).containsExactly(1);
    }

    /** Commits transactions of 1-3 events of one key, rolls back one in ten, until stopped. */
    private static final class Writer implements Runnable {
        final List<String> committed = Collections.synchronizedList(new ArrayList<>());
        final Set<String> rolledBack = ConcurrentHashMap.newKeySet();
        private final DataSource ds;
        private final Random random;
        private volatile boolean running = true;
        volatile Throwable failure;

        Writer(DataSource ds, Random random) {
            this.ds = ds;
            this.random = random;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            Outbox outbox = Outbox.create();
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                while (running) {
                    String key = KEYS.get(random.nextInt(KEYS.size()));
                    List<String> ids = new ArrayList<>();
                    for (int i = 1 + random.nextInt(3); i > 0; i--) {
                        Event e = Event.builder().type("payment.booked").source("/crash").partitionKey(key).data("x").build();
                        outbox.publish(c, TOPIC, e);
                        ids.add(e.id());
                    }
                    if (random.nextInt(10) == 0) {
                        c.rollback();
                        rolledBack.addAll(ids);
                    } else {
                        c.commit();
                        committed.addAll(ids);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // pacing: a steady trickle, not a flood
                }
            } catch (SQLException | RuntimeException e) {
                failure = e;
            }
        }
    }
}
