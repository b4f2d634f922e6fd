package io.herald.jdbc.outbox;

import io.herald.broker.Names;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.jdbc.SchemaMissingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The transactional outbox: {@link #publish} writes an event into {@code herald_outbox} with the
 * caller's JDBC connection, so the event commits or rolls back with the business change made on
 * the same connection. An {@link io.herald.jdbc.relay.OutboxRelay} later publishes committed rows
 * to their topics, in commit order.
 *
 * <p>Any connection works: one from a plain {@code DataSource}, a pool, or Spring's
 * transaction-bound connection ({@code DataSourceUtils.getConnection}). The outbox never commits,
 * rolls back or closes it. A connection in auto-commit mode commits the event at once, on its own.
 *
 * <p>Commit order costs this: transactions that wrote to the outbox commit one at a time (see
 * {@code V1__outbox_inbox.sql}); the rest of each transaction runs concurrently as before.
 *
 * <p>Immutable and thread-safe; share one instance.
 */
public final class Outbox {

    private static final String INSERT = "INSERT INTO herald_outbox (topic, event) VALUES (?, ?)";

    private final TraceContext traceContext;

    private Outbox(TraceContext traceContext) {
        this.traceContext = traceContext;
    }

    /** An outbox whose events carry only the traceparents they were built with. */
    public static Outbox create() {
        return new Outbox(TraceContext.none());
    }

    /** An outbox that stamps each event without a traceparent with the writing thread's one. */
    public static Outbox withTraceContext(TraceContext traceContext) {
        return new Outbox(Objects.requireNonNull(traceContext, "traceContext"));
    }

    /**
     * Writes the event to be published to {@code topic} once the caller's transaction commits.
     *
     * @throws io.herald.broker.InvalidNameException if the topic name is not a valid Herald topic name
     * @throws SchemaMissingException if the outbox table was never created
     * @throws SQLException when the insert fails; the caller's transaction is then aborted, as for any failed statement
     */
    public void publish(Connection connection, String topic, Event event) throws SQLException {
        publish(connection, topic, List.of(Objects.requireNonNull(event, "event must not be null")));
    }

    /** Writes several events for one topic, in this order, in one round trip. */
    public void publish(Connection connection, String topic, List<Event> events) throws SQLException {
        Objects.requireNonNull(connection, "connection must not be null: pass the connection of the business transaction");
        Names.requireValidTopic(topic);
        Objects.requireNonNull(events, "events must not be null");
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            if (events.size() == 1) {
                bind(insert, topic, events.getFirst());
                insert.executeUpdate();
            } else {
                for (Event event : events) {
                    bind(insert, topic, event);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        } catch (SQLException e) {
            if (SchemaMissingException.isMissingTable(e)) {
                throw new SchemaMissingException("herald_outbox", e);
            }
            throw e;
        }
    }

    private void bind(PreparedStatement insert, String topic, Event event) throws SQLException {
        Objects.requireNonNull(event, "events must not contain null");
        insert.setString(1, topic);
        insert.setBytes(2, EventBinaryFormat.encode(traced(event)));
    }

    private Event traced(Event event) {
        if (event.traceparent().isPresent()) {
            return event;
        }
        Optional<String> traceparent = traceContext.currentTraceparent();
        // building validates the traceparent: a malformed one is an InvalidEventException naming it
        return traceparent.isEmpty() ? event : event.toBuilder().traceparent(traceparent.get()).build();
    }
}
