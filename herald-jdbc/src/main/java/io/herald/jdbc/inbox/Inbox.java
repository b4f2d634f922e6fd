package io.herald.jdbc.inbox;

import io.herald.broker.DeliveryHandler;
import io.herald.broker.Names;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import io.herald.jdbc.SchemaMissingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The inbox: makes a handler's database effect happen exactly once per event and subscription,
 * however often the broker delivers the event. {@link #handle} inserts the event's identity
 * (CloudEvents source and id) into {@code herald_inbox} and runs the work in the same transaction;
 * an identity already there means the work already committed, so it is skipped. Two deliveries
 * of one event racing each other are serialized by the primary key: the second waits for the
 * first's transaction and then finds the row (or, if the first rolled back, does the work itself).
 *
 * <p>Rows are kept for the retention given at creation and deleted by {@link #deleteExpired}
 * (see {@link InboxRetention}); the retention must be longer than the longest time in which the
 * broker may redeliver an event (its retry and lease times, a replay the application allows).
 *
 * <p>Immutable and thread-safe.
 */
public final class Inbox {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private static final String RECORD = """
            INSERT INTO herald_inbox (subscription, source, event_id) VALUES (?, ?, ?)
            ON CONFLICT DO NOTHING""";
    /** Deletes in slices, so retention never holds many row locks or one long transaction. */
    private static final String DELETE_EXPIRED = """
            DELETE FROM herald_inbox WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM herald_inbox WHERE processed_at < now() - make_interval(secs => ?) LIMIT ?))""";
    private static final int DELETE_SLICE = 10_000;

    private final Duration retention;

    private Inbox(Duration retention) {
        this.retention = retention;
    }

    /** An inbox that keeps processed event ids for {@link #DEFAULT_RETENTION}. */
    public static Inbox create() {
        return new Inbox(DEFAULT_RETENTION);
    }

    public static Inbox withRetention(Duration retention) {
        Objects.requireNonNull(retention, "retention must not be null");
        if (retention.isNegative() || retention.isZero()) {
            throw new InvalidSpecException("inbox retention must be positive, got " + retention);
        }
        return new Inbox(retention);
    }

    public Duration retention() {
        return retention;
    }

    /**
     * Runs the work for the event unless the subscription already handled it.
     *
     * <p>On a connection in auto-commit mode the inbox runs its own transaction: the record and the
     * work commit together, or roll back together when the work throws. On a connection already in
     * a transaction, both join it under a savepoint: when the work throws, the record and the
     * work's writes are rolled back to the savepoint and the exception is rethrown; the caller
     * commits the rest as it sees fit.
     */
    public InboxOutcome handle(Connection connection, String subscription, Event event, InboxWork work) throws SQLException {
        Objects.requireNonNull(connection, "connection must not be null");
        Names.requireValidSubscription(subscription);
        Objects.requireNonNull(event, "event must not be null");
        Objects.requireNonNull(work, "work must not be null");
        if (connection.getAutoCommit()) {
            connection.setAutoCommit(false);
            try {
                InboxOutcome outcome = recordAndApply(connection, subscription, event, work);
                connection.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
        Savepoint savepoint = connection.setSavepoint();
        try {
            InboxOutcome outcome = recordAndApply(connection, subscription, event, work);
            connection.releaseSavepoint(savepoint);
            return outcome;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback(savepoint);
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        }
    }

    /**
     * A push handler that handles each delivery through the inbox, on a connection of its own from
     * the data source: return (ack) after the transaction committed; throw (nack) when it did not.
     */
    public DeliveryHandler handler(DataSource dataSource, String subscription, InboxWork work) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        Names.requireValidSubscription(subscription);
        Objects.requireNonNull(work, "work must not be null");
        return delivery -> {
            try (Connection connection = dataSource.getConnection()) {
                handle(connection, subscription, delivery.event(), work);
            }
        };
    }

    /** Deletes the records older than the retention; returns how many. */
    public long deleteExpired(Connection connection) throws SQLException {
        long deleted = 0;
        try (PreparedStatement delete = connection.prepareStatement(DELETE_EXPIRED)) {
            delete.setDouble(1, retention.toNanos() / 1e9);
            delete.setInt(2, DELETE_SLICE);
            int n;
            do {
                n = delete.executeUpdate();
                deleted += n;
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
            } while (n == DELETE_SLICE);
        } catch (SQLException e) {
            throw translated(e);
        }
        return deleted;
    }

    private static InboxOutcome recordAndApply(Connection connection, String subscription, Event event, InboxWork work) throws SQLException {
        try (PreparedStatement record = connection.prepareStatement(RECORD)) {
            record.setString(1, subscription);
            record.setString(2, event.source());
            record.setString(3, event.id());
            if (record.executeUpdate() == 0) {
                return InboxOutcome.DUPLICATE;
            }
        } catch (SQLException e) {
            throw translated(e);
        }
        work.apply(connection, event);
        return InboxOutcome.APPLIED;
    }

    private static SQLException translated(SQLException e) {
        if (SchemaMissingException.isMissingTable(e)) {
            throw new SchemaMissingException("herald_inbox", e);
        }
        return e;
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
