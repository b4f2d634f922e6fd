package io.herald.jdbc.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.InvalidNameException;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.event.InvalidEventException;
import io.herald.jdbc.SchemaMissingException;
import io.herald.jdbc.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static DataSource ds;
    private final Outbox outbox = Outbox.create();

    @BeforeAll
    static void database() throws SQLException {
        ds = TestPostgres.newMigratedDatabase();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY)");
        }
    }

    @BeforeEach
    void empty() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE herald_outbox, herald_outbox_commit, orders");
        }
    }

    @Test
    void theEventCommitsWithTheBusinessChange() throws SQLException {
        Event placed = event("order.placed");
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders VALUES (1)");
            }
            outbox.publish(c, "orders", placed);
            assertThat(rows()).as("not visible before the commit").isEmpty();
            c.commit();
        }
        assertThat(rows()).containsExactly(new Row("orders", placed));
        assertThat(commitNumbers()).as("one commit number per transaction").isEqualTo(1);
    }

    @Test
    void theEventRollsBackWithTheBusinessChange() throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders VALUES (2)");
            }
            outbox.publish(c, "orders", List.of(event("a"), event("b")));
            c.rollback();
        }
        assertThat(rows()).isEmpty();
        assertThat(commitNumbers()).isZero();
    }

    @Test
    void severalEventsOfOneTransactionKeepTheirOrderAndShareOneCommitNumber() throws SQLException {
        List<Event> events = List.of(event("first"), event("second"), event("third"));
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            outbox.publish(c, "orders", events.getFirst());
            outbox.publish(c, "orders", events.subList(1, 3));
            c.commit();
        }
        assertThat(rows()).extracting(Row::event).containsExactlyElementsOf(events);
        assertThat(commitNumbers()).isEqualTo(1);
    }

    @Test
    void theWritersTraceparentTravelsWithTheEvent() throws SQLException {
        Outbox traced = Outbox.withTraceContext(() -> Optional.of(TRACEPARENT));
        String own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        try (Connection c = ds.getConnection()) {
            traced.publish(c, "orders", event("untraced"));
            traced.publish(c, "orders", Event.builder().type("traced").source("/test").traceparent(own).build());
        }
        assertThat(rows()).extracting(r -> r.event().traceparent().orElseThrow()).containsExactly(TRACEPARENT, own);
    }

    @Test
    void badInputIsRefusedWithAMessageThatNamesTheProblem() throws SQLException {
        try (Connection c = ds.getConnection()) {
            assertThatThrownBy(() -> outbox.publish(null, "orders", event("x")))
                    .hasMessageContaining("connection must not be null");
            assertThatThrownBy(() -> outbox.publish(c, "no spaces", event("x")))
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageContaining("' ' at index 2");
            assertThatThrownBy(() -> outbox.publish(c, "orders", (Event) null))
                    .hasMessageContaining("event must not be null");
            Outbox badTrace = Outbox.withTraceContext(() -> Optional.of("not-a-traceparent"));
            assertThatThrownBy(() -> badTrace.publish(c, "orders", event("x")))
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("traceparent");
        }
        assertThat(rows()).isEmpty();
    }

    @Test
    void aMissingTableSaysHowToCreateIt() throws SQLException {
        DataSource bare = TestPostgres.newDatabase();
        try (Connection c = bare.getConnection()) {
            assertThatThrownBy(() -> outbox.publish(c, "orders", event("x")))
                    .isInstanceOf(SchemaMissingException.class)
                    .hasMessageContaining("herald_outbox does not exist")
                    .hasMessageContaining("HeraldSchema.migrate(dataSource)");
        }
    }

    private static Event event(String type) {
        return Event.builder().type(type).source("/test").partitionKey("customer-1").json("{\"n\": 1}").build();
    }

    record Row(String topic, Event event) {
    }

    private static List<Row> rows() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT topic, event FROM herald_outbox ORDER BY id")) {
            while (rs.next()) {
                byte[] bytes = rs.getBytes(2);
                rows.add(new Row(rs.getString(1), EventBinaryFormat.decode(bytes, 0, bytes.length)));
            }
        }
        return rows;
    }

    private static int commitNumbers() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM herald_outbox_commit")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
