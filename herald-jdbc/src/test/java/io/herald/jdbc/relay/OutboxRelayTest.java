package io.herald.jdbc.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.herald.broker.Broker;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import io.herald.jdbc.ControlledBroker;
import io.herald.jdbc.TestPostgres;
import io.herald.jdbc.TopicContents;
import io.herald.jdbc.outbox.Outbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxRelayTest {

    private static DataSource ds;
    private static Broker broker;
    private final Outbox outbox = Outbox.create();
    private final RelayConfig fast = RelayConfig.defaults().withPollInterval(Duration.ofMillis(200))
            .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    private String topic;
    private static int topics;

    @BeforeAll
    static void start(@TempDir Path dir) {
        ds = TestPostgres.newMigratedDatabase();
        broker = EmbeddedBroker.open(dir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void emptyOutboxAndNewTopic() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE herald_outbox, herald_outbox_commit");
        }
        topic = "orders-" + (++topics);
        broker.createTopic(topic, TopicSpec.partitions(2));
    }

    @Test
    void committedEventsArePublishedInOrderAndDeleted() throws SQLException {
        List<Event> events = write(5);
        try (OutboxRelay relay = OutboxRelay.start(ds, broker, fast)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> published().size() == 5);
            assertThat(published()).containsExactlyElementsOf(events);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.stats().pending() == 0);
            assertThat(relay.stats().relayedTotal()).isEqualTo(5);
            assertThat(relay.stats().lastError()).isEmpty();
        }
    }

    @Test
    void theRelaysNumbersAreMicrometerMeters() throws SQLException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ControlledBroker held = new ControlledBroker(broker);
        held.available = false;
        try (OutboxRelay relay = OutboxRelay.start(ds, held, fast)) {
            new RelayMetrics(relay).bindTo(registry);
            write(3);
            await().atMost(Duration.ofSeconds(10)).until(() -> held.refused() >= 3);
            assertThat(registry.get("herald.outbox.pending").gauge().value()).isEqualTo(3);
            assertThat(registry.get("herald.outbox.relay.leader").gauge().value()).isEqualTo(1);
            held.available = true;
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("herald.outbox.relayed").functionCounter().count() == 3);
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.get("herald.outbox.pending").gauge().value() == 0);
            assertThat(registry.get("herald.outbox.oldest.pending.age").timeGauge().value()).isZero();
        }
    }

    @Test
    void aCommitWakesTheRelayAtOnceWithoutWaitingForThePoll() throws SQLException {
        RelayConfig slowPoll = RelayConfig.defaults().withPollInterval(Duration.ofMinutes(5));
        try (OutboxRelay relay = OutboxRelay.start(ds, broker, slowPoll)) {
            await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
            List<Event> expected = new ArrayList<>();
            for (int round = 1; round <= 3; round++) {
                expected.addAll(write(1));
                int n = round;
                // only the NOTIFY can wake a relay that polls every five minutes
                await().atMost(Duration.ofSeconds(3)).until(() -> published().size() == n);
            }
            assertThat(published()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void oneRelayLeadsAndAStandbyTakesOverWhenItStops() throws SQLException {
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(ds);
        pool.setMaximumPoolSize(2);
        try (HikariDataSource pooled = new HikariDataSource(pool)) {
            OutboxRelay first = OutboxRelay.start(pooled, broker, fast);
            OutboxRelay second = OutboxRelay.start(ds, broker, fast);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> first.isLeader() || second.isLeader());
                OutboxRelay leader = first.isLeader() ? first : second;
                OutboxRelay standby = leader == first ? second : first;
                // standbys keep trying every poll interval and keep failing while the leader lives
                await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> !standby.isLeader());
                List<Event> events = write(3);
                await().atMost(Duration.ofSeconds(10)).until(() -> published().size() == 3);
                leader.close();
                await().atMost(Duration.ofSeconds(10)).until(standby::isLeader);
                events.addAll(write(3));
                await().atMost(Duration.ofSeconds(10)).until(() -> published().size() == 6);
                assertThat(published()).containsExactlyElementsOf(events);
                // the pooled relay gave its lock back with its connection: a third relay on the pool can lead
                if (leader == first) {
                    standby.close();
                    try (OutboxRelay third = OutboxRelay.start(pooled, broker, fast)) {
                        await().atMost(Duration.ofSeconds(10)).until(third::isLeader);
                    }
                }
            } finally {
                first.close();
                second.close();
            }
        }
    }

    @Test
    void aBrokerOutageLeavesTheRowsAndTheRelayRetriesUntilTheBrokerIsBack() throws SQLException {
        ControlledBroker flaky = new ControlledBroker(broker);
        flaky.available = false;
        List<Event> events = write(4);
        try (OutboxRelay relay = OutboxRelay.start(ds, flaky, fast)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> flaky.refused() >= 4);
            RelayStats during = relay.stats();
            assertThat(during.pending()).as("nothing marked sent that was not").isEqualTo(4);
            assertThat(during.oldestPendingAge()).isPositive();
            assertThat(during.lastError()).hasValueSatisfying(e -> assertThat(e).contains("the broker failed").contains(topic));
            assertThat(published()).isEmpty();
            flaky.available = true;
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().pending() == 0);
            assertThat(published()).containsExactlyElementsOf(events);
            assertThat(relay.stats().lastError()).isEmpty();
            assertThat(relay.stats().oldestPendingAge()).isZero();
        }
    }

    @Test
    void eventsForSeveralTopicsInOneTransactionEachKeepTheirOrder() throws SQLException {
        String other = topic + "-other";
        broker.createTopic(other, TopicSpec.partitions(1));
        List<Event> mine = new ArrayList<>();
        List<Event> theirs = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 10; i++) {
                Event e = event(i);
                (i % 3 == 0 ? theirs : mine).add(e);
                outbox.publish(c, i % 3 == 0 ? other : topic, e);
            }
            c.commit();
        }
        try (OutboxRelay relay = OutboxRelay.start(ds, broker, fast.withBatchSize(4))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.stats().pending() == 0);
        }
        assertThat(published()).containsExactlyElementsOf(mine);
        assertThat(TopicContents.read(broker, other)).extracting(StoredEvent::event).containsExactlyElementsOf(theirs);
    }

    @Test
    void badConfigurationIsRefusedWithTheValueThatWasWrong() {
        assertThatThrownBy(() -> RelayConfig.defaults().withBatchSize(0))
                .isInstanceOf(InvalidSpecException.class).hasMessage("relay batch size must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> RelayConfig.defaults().withPollInterval(Duration.ZERO))
                .hasMessage("relay poll interval must be positive, got PT0S");
        assertThatThrownBy(() -> RelayConfig.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("must not be shorter than its min backoff");
        assertThatThrownBy(() -> OutboxRelay.start(ds, broker, null)).hasMessageContaining("RelayConfig.defaults()");
    }

    /** Events of one key, each committed in its own transaction. */
    private List<Event> write(int n) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            for (int i = 0; i < n; i++) {
                Event e = event(i);
                outbox.publish(c, topic, e);
                events.add(e);
            }
        }
        return events;
    }

    private static Event event(int i) {
        return Event.builder().type("order.placed").source("/relay-test").partitionKey("customer-7").json("{\"n\": " + i + "}").build();
    }

    private List<Event> published() {
        return TopicContents.read(broker, topic).stream().map(StoredEvent::event).toList();
    }
}
