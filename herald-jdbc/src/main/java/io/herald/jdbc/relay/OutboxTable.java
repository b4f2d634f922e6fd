package io.herald.jdbc.relay;

import io.herald.jdbc.SchemaMissingException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay's SQL on {@code herald_outbox} and {@code herald_outbox_commit} (see
 * {@code V1__outbox_inbox.sql}). Every method runs on the connection it is given, which the
 * relay keeps in auto-commit mode: each statement is its own transaction. Stateless.
 */
final class OutboxTable {

    /** The NOTIFY channel of the commit trigger. */
    static final String CHANNEL = "herald_outbox";

    /** Advisory lock class of the relay's leadership; the object id is the hash of the outbox's schema. */
    private static final int LEADER_LOCK = 1212502594;

    /**
     * Rows in commit order: by the commit number of their transaction, then by id (the order
     * they were written within it). A commit number is only visible once every lower one has
     * committed or rolled back, so reading in this order never skips a row that appears later.
     */
    private static final String NEXT = """
            SELECT c.seq, o.id, o.topic, o.event
            FROM herald_outbox_commit c JOIN herald_outbox o ON o.xid = c.xid
            ORDER BY c.seq, o.id
            LIMIT ?""";

    private static final String SCHEMA = """
            SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass('herald_outbox')""";

    private OutboxTable() {
    }

    /** The schema the connection's search_path finds the outbox in. */
    static String schema(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(SCHEMA)) {
            if (!rs.next()) {
                throw new SchemaMissingException("herald_outbox", new SQLException("to_regclass('herald_outbox') is null", "42P01"));
            }
            return rs.getString(1);
        }
    }

    static void listen(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        }
    }

    /**
     * Makes this connection's session the outbox's leader if no other session is: a session-level
     * advisory lock, which PostgreSQL releases when the session ends, including when the relay's
     * process dies or loses its connection. Holding it already returns true again.
     */
    static boolean tryLead(Connection connection, String schema) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
            s.setInt(1, LEADER_LOCK);
            s.setString(2, schema);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static List<PendingRow> next(Connection connection, int limit) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(NEXT)) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                List<PendingRow> rows = new ArrayList<>(limit);
                while (rs.next()) {
                    rows.add(new PendingRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4)));
                }
                return rows;
            }
        }
    }

    /** Deletes published rows. */
    static void delete(Connection connection, long[] ids) throws SQLException {
        Long[] boxed = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        Array array = connection.createArrayOf("bigint", boxed);
        try (PreparedStatement s = connection.prepareStatement("DELETE FROM herald_outbox WHERE id = ANY (?)")) {
            s.setArray(1, array);
            s.executeUpdate();
        } finally {
            array.free();
        }
    }

    /** Deletes the commit numbers up to {@code seq} (inclusive or not), whose rows are all published. */
    static void forgetCommits(Connection connection, long seq, boolean inclusive) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "DELETE FROM herald_outbox_commit WHERE seq " + (inclusive ? "<=" : "<") + " ?")) {
            s.setLong(1, seq);
            s.executeUpdate();
        }
    }

    /** Committed rows waiting, and the age of the oldest. */
    static Backlog backlog(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0) FROM herald_outbox")) {
            rs.next();
            return new Backlog(rs.getLong(1), Duration.ofNanos((long) (rs.getDouble(2) * 1e9)));
        } catch (SQLException e) {
            if (SchemaMissingException.isMissingTable(e)) {
                throw new SchemaMissingException("herald_outbox", e);
            }
            throw e;
        }
    }

    record Backlog(long pending, Duration oldestAge) {
    }
}
