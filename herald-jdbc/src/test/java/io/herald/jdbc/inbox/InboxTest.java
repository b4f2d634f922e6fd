package io.herald.jdbc.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.InvalidNameException;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import io.herald.jdbc.SchemaMissingException;
import io.herald.jdbc.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxTest {

    private static DataSource ds;
    private final Inbox inbox = Inbox.create();
    private final Event event = Event.builder().type("payment.received").source("/payments").json("{\"cents\": 500}").build();

    @BeforeAll
    static void database() throws SQLException {
        ds = TestPostgres.newMigratedDatabase();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE balance (account text PRIMARY KEY, cents bigint NOT NULL)");
        }
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE herald_inbox, balance");
            s.execute("INSERT INTO balance VALUES ('a', 0)");
        }
    }

    /** The handler's effect: credit 500 cents. */
    private static void credit(Connection c, Event e) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE balance SET cents = cents + 500 WHERE account = 'a'");
        }
    }

    @Test
    void aRedeliveredEventTakesEffectOnce() throws SQLException {
        try (Connection c = ds.getConnection()) {
            assertThat(inbox.handle(c, "billing", event, InboxTest::credit)).isEqualTo(InboxOutcome.APPLIED);
            assertThat(inbox.handle(c, "billing", event, InboxTest::credit)).isEqualTo(InboxOutcome.DUPLICATE);
            assertThat(c.getAutoCommit()).as("the connection is handed back as it came").isTrue();
        }
        assertThat(balance()).isEqualTo(500);
    }

    @Test
    void eachSubscriptionAndEachSourceCountSeparately() throws SQLException {
        Event sameIdOtherSource = event.toBuilder().source("/refunds").build();
        try (Connection c = ds.getConnection()) {
            assertThat(inbox.handle(c, "billing", event, InboxTest::credit)).isEqualTo(InboxOutcome.APPLIED);
            assertThat(inbox.handle(c, "audit", event, InboxTest::credit)).isEqualTo(InboxOutcome.APPLIED);
            assertThat(inbox.handle(c, "billing", sameIdOtherSource, InboxTest::credit)).isEqualTo(InboxOutcome.APPLIED);
        }
        assertThat(balance()).isEqualTo(1500);
    }

    @Test
    void workThatFailsLeavesNoRecordSoTheNextDeliveryTakesEffect() throws SQLException {
        try (Connection c = ds.getConnection()) {
            assertThatThrownBy(() -> inbox.handle(c, "billing", event, (conn, e) -> {
                credit(conn, e);
                throw new IllegalStateException("downstream said no");
            })).hasMessage("downstream said no");
            assertThat(balance()).as("the effect rolled back with the record").isZero();
            assertThat(inbox.handle(c, "billing", event, InboxTest::credit)).isEqualTo(InboxOutcome.APPLIED);
        }
        assertThat(balance()).isEqualTo(500);
    }

    @Test
    void inTheCallersTransactionAFailureRollsBackOnlyTheInboxPart() throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO balance VALUES ('b', 1)");
            }
            assertThatThrownBy(() -> inbox.handle(c, "billing", event, (conn, e) -> {
                credit(conn, e);
                throw new SQLException("constraint failed");
            })).hasMessage("constraint failed");
            c.commit();
            assertThat(c.getAutoCommit()).isFalse();
            assertThat(inbox.handle(c, "billing", event, InboxTest::credit)).isEqualTo(InboxOutcome.APPLIED);
            assertThat(balance()).as("not visible before the caller commits").isZero();
            c.commit();
        }
        assertThat(balance()).isEqualTo(500);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT cents FROM balance WHERE account = 'b'")) {
            assertThat(rs.next()).as("the caller's own write was kept").isTrue();
        }
    }

    @Test
    void concurrentDeliveriesOfOneEventTakeEffectOnce() throws Exception {
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<InboxOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                outcomes.add(pool.submit(() -> {
                    try (Connection c = ds.getConnection()) {
                        start.await();
                        return inbox.handle(c, "billing", event, InboxTest::credit);
                    }
                }));
            }
            List<InboxOutcome> results = new ArrayList<>();
            for (Future<InboxOutcome> f : outcomes) {
                results.add(f.get());
            }
            assertThat(results).containsOnlyOnce(InboxOutcome.APPLIED);
        } finally {
            pool.shutdownNow();
        }
        assertThat(balance()).isEqualTo(500);
    }

    @Test
    void retentionDeletesOnlyExpiredRecords() throws SQLException {
        Inbox shortLived = Inbox.withRetention(Duration.ofHours(1));
        Event old = Event.builder().type("t").source("/old").build();
        try (Connection c = ds.getConnection()) {
            shortLived.handle(c, "billing", old, InboxTest::credit);
            shortLived.handle(c, "billing", event, InboxTest::credit);
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE herald_inbox SET processed_at = now() - interval '2 hours' WHERE source = '/old'");
            }
            assertThat(shortLived.deleteExpired(c)).isEqualTo(1);
            assertThat(shortLived.handle(c, "billing", event, InboxTest::credit)).isEqualTo(InboxOutcome.DUPLICATE);
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE herald_inbox SET processed_at = now() - interval '3 hours'");
            }
        }
        try (InboxRetention retention = InboxRetention.start(ds, shortLived, Duration.ofMillis(50))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> inboxRows() == 0);
        }
    }

    @Test
    void asAPushHandlerEachPublishedDuplicateTakesEffectOnce(@TempDir Path dir) throws Exception {
        try (Broker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic("payments", TopicSpec.partitions(1));
            broker.publish("payments", List.of(event, event, event)).join(); // a relay that crashed twice before deleting
            Event other = Event.builder().type("payment.received").source("/payments").build();
            broker.publish("payments", other).join();
            try (Subscriber subscriber = broker.subscribe("payments", "billing", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST),
                    inbox.handler(ds, "billing", InboxTest::credit))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> inboxRows() == 2
                        && broker.describeSubscription("payments", "billing").lag() == 0);
            }
        }
        assertThat(balance()).isEqualTo(1000);
    }

    @Test
    void badInputIsRefusedWithAMessageThatNamesTheProblem() throws SQLException {
        try (Connection c = ds.getConnection()) {
            assertThatThrownBy(() -> inbox.handle(c, "bad name", event, InboxTest::credit)).isInstanceOf(InvalidNameException.class);
            assertThatThrownBy(() -> inbox.handle(c, "billing", null, InboxTest::credit)).hasMessage("event must not be null");
            assertThatThrownBy(() -> Inbox.withRetention(Duration.ZERO))
                    .isInstanceOf(InvalidSpecException.class).hasMessage("inbox retention must be positive, got PT0S");
        }
        try (Connection bare = TestPostgres.newDatabase().getConnection()) {
            assertThatThrownBy(() -> inbox.handle(bare, "billing", event, InboxTest::credit))
                    .isInstanceOf(SchemaMissingException.class).hasMessageContaining("herald_inbox does not exist");
        }
        assertThat(balance()).isZero();
    }

    private static long balance() throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT cents FROM balance WHERE account = 'a'");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long inboxRows() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM herald_inbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
