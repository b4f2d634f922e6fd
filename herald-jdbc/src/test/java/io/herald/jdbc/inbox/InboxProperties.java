package io.herald.jdbc.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.event.Event;
import io.herald.jdbc.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Exactly-once effect under random redelivery: any sequence of deliveries of a few events, in any
 * order and number, where some attempts fail (before or after the handler's write) and some run
 * inside a caller's transaction that commits or rolls back, leaves each event's effect applied
 * exactly once if some attempt succeeded and committed, and not at all otherwise.
 */
class InboxProperties {

    private static DataSource ds;
    private static final AtomicInteger SUBSCRIPTIONS = new AtomicInteger();
    private static final List<Event> EVENTS = List.of(
            Event.builder().id("e1").type("t").source("/p").build(),
            Event.builder().id("e2").type("t").source("/p").build(),
            Event.builder().id("e3").type("t").source("/p").build(),
            Event.builder().id("e1").type("t").source("/other").build()); // same id, other source: another event

    enum Attempt {
        SUCCEEDS, FAILS_BEFORE_WRITE, FAILS_AFTER_WRITE, IN_CALLER_TX_COMMITTED, IN_CALLER_TX_ROLLED_BACK
    }

    record Delivery(int event, Attempt attempt) {
    }

    @BeforeContainer
    static void database() throws SQLException {
        ds = TestPostgres.newMigratedDatabase();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE effect (subscription text, event text, applied int NOT NULL DEFAULT 1)");
        }
    }

    @Provide
    Arbitrary<List<Delivery>> deliveries() {
        Arbitrary<Delivery> one = Combinators.combine(
                Arbitraries.integers().between(0, EVENTS.size() - 1),
                Arbitraries.of(Attempt.class)).as(Delivery::new);
        return one.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 60)
    void eachEventTakesEffectExactlyOnceIfAnyAttemptCommitted(@ForAll("deliveries") List<Delivery> deliveries) throws SQLException {
        String subscription = "s" + SUBSCRIPTIONS.incrementAndGet();
        Inbox inbox = Inbox.create();
        Set<Integer> committedOnce = new HashSet<>();
        try (Connection c = ds.getConnection()) {
            for (Delivery d : deliveries) {
                Event event = EVENTS.get(d.event());
                boolean committed = deliver(c, inbox, subscription, event, d.attempt());
                if (committed) {
                    committedOnce.add(d.event());
                }
            }
        }
        Map<String, Integer> effects = effects(subscription);
        for (int i = 0; i < EVENTS.size(); i++) {
            String key = EVENTS.get(i).source() + "/" + EVENTS.get(i).id();
            assertThat(effects.getOrDefault(key, 0)).as("effects of %s after %s", key, deliveries)
                    .isEqualTo(committedOnce.contains(i) ? 1 : 0);
        }
    }

    /** One delivery attempt; returns whether it ended with a committed, successful handling. */
    private static boolean deliver(Connection c, Inbox inbox, String subscription, Event event, Attempt attempt) throws SQLException {
        InboxWork work = (conn, e) -> {
            if (attempt == Attempt.FAILS_BEFORE_WRITE) {
                throw new IllegalStateException("handler failed before writing");
            }
            try (PreparedStatement s = conn.prepareStatement("INSERT INTO effect (subscription, event) VALUES (?, ?)")) {
                s.setString(1, subscription);
                s.setString(2, e.source() + "/" + e.id());
                s.executeUpdate();
            }
            if (attempt == Attempt.FAILS_AFTER_WRITE) {
                throw new IllegalStateException("handler failed after writing");
            }
        };
        boolean callerTx = attempt == Attempt.IN_CALLER_TX_COMMITTED || attempt == Attempt.IN_CALLER_TX_ROLLED_BACK;
        if (callerTx) {
            c.setAutoCommit(false);
            try {
                inbox.handle(c, subscription, event, work);
                if (attempt == Attempt.IN_CALLER_TX_COMMITTED) {
                    c.commit();
                    return true;
                }
                c.rollback();
                return false;
            } finally {
                c.setAutoCommit(true);
            }
        }
        try {
            inbox.handle(c, subscription, event, work);
            return true;
        } catch (IllegalStateException expected) {
            return false;
        }
    }

    private static Map<String, Integer> effects(String subscription) throws SQLException {
        Map<String, Integer> effects = new HashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT event, sum(applied) FROM effect WHERE subscription = ? GROUP BY event")) {
            s.setString(1, subscription);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    effects.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return effects;
    }
}
