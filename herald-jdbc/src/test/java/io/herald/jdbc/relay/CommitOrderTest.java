package io.herald.jdbc.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import io.herald.jdbc.TestPostgres;
import io.herald.jdbc.TopicContents;
import io.herald.jdbc.outbox.Outbox;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay publishes in commit order, not in id order, and skips nothing: writers run
 * overlapping transactions of random lengths (some long, some rolled back) whose ids are taken
 * early and commits happen late, while a relay with a small batch runs concurrently.
 *
 * <p>The order commits became visible is observed independently: an observer thread reads, over
 * and over, the ids in a side table each transaction writes along with its outbox rows, and notes
 * the round in which each first appeared. If A was visible a round before B, A committed before B,
 * so per key the published stream must never show a later round before an earlier one.
 */
class CommitOrderTest {

    private static final String TOPIC = "ledger";
    private static final int WRITERS = 8;
    private static final int TRANSACTIONS_PER_WRITER = 40;
    private static final List<String> KEYS = List.of("account-a", "account-b", "account-c");

    @TempDir
    Path dir;

    @Test
    void perKeyThePublishedOrderIsTheCommitOrderAndEveryCommittedEventAppearsOnce() throws Exception {
        long seed = Long.getLong("herald.seed", System.nanoTime());
        DataSource ds = TestPostgres.newMigratedDatabase();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE committed (event_id text PRIMARY KEY)");
        }
        Set<String> rolledBack = ConcurrentHashMap.newKeySet();
        Map<String, Integer> firstSeenRound = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        try (Broker broker = EmbeddedBroker.open(dir);
             OutboxRelay relay = startRelay(ds, broker)) {
            Thread observer = Thread.ofPlatform().start(() -> observe(ds, writing, firstSeenRound));
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Random random = new Random(seed + w);
                int writer = w;
                writers.add(Thread.ofPlatform().start(() -> write(ds, writer, random, rolledBack)));
            }
            for (Thread t : writers) {
                t.join();
            }
            writing.set(false);
            observer.join();
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.stats().pending() == 0);

            List<StoredEvent> published = TopicContents.read(broker, TOPIC);
            Set<String> committed = committedIds(ds);
            List<String> publishedIds = published.stream().map(e -> e.event().id()).toList();
            assertThat(committed).as("seed %d: enough commits to mean something", seed).hasSizeGreaterThan(200);
            assertThat(rolledBack).as("seed %d: some transactions rolled back", seed).isNotEmpty();
            assertThat(publishedIds).as("seed %d: every committed event exactly once", seed)
                    .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(committed);
            assertThat(publishedIds).as("seed %d: nothing rolled back", seed).doesNotContainAnyElementsOf(rolledBack);
            assertThat(firstSeenRound.keySet()).containsExactlyInAnyOrderElementsOf(committed);
            assertCommitOrderPerKey(published, firstSeenRound, seed);
        }
    }

    private static OutboxRelay startRelay(DataSource ds, Broker broker) {
        broker.createTopic(TOPIC, TopicSpec.partitions(4));
        // a small batch so that batches end inside transactions
        return OutboxRelay.start(ds, broker, RelayConfig.defaults().withBatchSize(7).withPollInterval(Duration.ofMillis(50)));
    }

    /** Per key, rounds never go down along the published order; within a transaction, its write order holds. */
    private static void assertCommitOrderPerKey(List<StoredEvent> published, Map<String, Integer> firstSeenRound, long seed) {
        Map<String, List<Event>> byKey = new LinkedHashMap<>();
        for (StoredEvent e : published) {
            byKey.computeIfAbsent(e.event().partitionKey().orElseThrow(), k -> new ArrayList<>()).add(e.event());
        }
        int inversionsById = 0;
        for (var entry : byKey.entrySet()) {
            Event previous = null;
            for (Event e : entry.getValue()) {
                if (previous != null) {
                    int before = firstSeenRound.get(previous.id());
                    int now = firstSeenRound.get(e.id());
                    assertThat(now).as("seed %d, key %s: %s (visible in round %d) published after %s (visible in round %d)",
                            seed, entry.getKey(), e.id(), now, previous.id(), before).isGreaterThanOrEqualTo(before);
                    String[] p = previous.subject().orElseThrow().split("/");
                    String[] c = e.subject().orElseThrow().split("/");
                    if (p[0].equals(c[0])) {
                        assertThat(Integer.parseInt(c[1])).as("seed %d: order within transaction %s", seed, c[0])
                                .isGreaterThan(Integer.parseInt(p[1]));
                    }
                    if (Long.parseLong(e.extension("writeorder").orElseThrow()) < Long.parseLong(previous.extension("writeorder").orElseThrow())) {
                        inversionsById++;
                    }
                }
                previous = e;
            }
        }
        // the test only means something if commit order differed from write order somewhere
        assertThat(inversionsById).as("seed %d: commits overtook earlier writes", seed).isPositive();
    }

    /** One writer: transactions of 1-3 events of one key, open for a random time, 15% rolled back. */
    private static void write(DataSource ds, int writer, Random random, Set<String> rolledBack) {
        Outbox outbox = Outbox.create();
        try (Connection c = ds.getConnection();
             PreparedStatement truth = c.prepareStatement("INSERT INTO committed VALUES (?)")) {
            c.setAutoCommit(false);
            for (int t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
                String key = KEYS.get(random.nextInt(KEYS.size()));
                String tx = writer + "-" + t;
                List<String> ids = new ArrayList<>();
                int events = 1 + random.nextInt(3);
                for (int i = 0; i < events; i++) {
                    Event e = Event.builder().type("entry.booked").source("/commit-order").partitionKey(key)
                            .subject(tx + "/" + i).extension("writeorder", Long.toString(System.nanoTime())).build();
                    outbox.publish(c, TOPIC, e);
                    truth.setString(1, e.id());
                    truth.executeUpdate();
                    ids.add(e.id());
                    pause(random, c);
                }
                if (random.nextInt(100) < 15) {
                    c.rollback();
                    rolledBack.addAll(ids);
                } else {
                    c.commit();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Mostly short, sometimes long: long transactions hold low ids while many later ones commit. */
    private static void pause(Random random, Connection c) throws SQLException {
        int millis = random.nextInt(100) < 3 ? 300 + random.nextInt(500) : random.nextInt(15);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(" + millis / 1000.0 + ")"); // the transaction stays open in the server
        }
    }

    private static void observe(DataSource ds, AtomicBoolean writing, Map<String, Integer> firstSeenRound) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            int round = 0;
            boolean last = false;
            while (!last) {
                last = !writing.get(); // one more full read after the writers finished
                round++;
                try (ResultSet rs = s.executeQuery("SELECT event_id FROM committed")) {
                    while (rs.next()) {
                        firstSeenRound.putIfAbsent(rs.getString(1), round);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> committedIds(DataSource ds) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id FROM committed")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
