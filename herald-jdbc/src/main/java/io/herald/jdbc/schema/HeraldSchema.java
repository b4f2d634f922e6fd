package io.herald.jdbc.schema;

import io.herald.jdbc.HeraldJdbcException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The tables of the outbox and the inbox, as versioned SQL scripts shipped in this jar
 * ({@code io/herald/jdbc/V<n>__<name>.sql}, Flyway's naming). {@link #migrate} applies the ones a
 * database lacks, each once: it records each version in {@code herald_schema_version}, and takes an
 * advisory lock so that application instances starting together do not apply a script twice.
 * Teams that run their own migration tool copy the scripts instead; each records its own version,
 * so {@code migrate} then finds nothing to do. Stateless and thread-safe.
 */
public final class HeraldSchema {

    /** The scripts in order; version n is the n-th. */
    private static final List<String> SCRIPTS = List.of("V1__outbox_inbox.sql");

    /** Advisory lock class of Herald's migrations (the outbox and the relay use the next ones). */
    private static final int MIGRATION_LOCK = 1212502592;

    private HeraldSchema() {
    }

    /** The newest schema version this jar knows. */
    public static int latestVersion() {
        return SCRIPTS.size();
    }

    /** The text of one script, for a migration tool of the user's own. */
    public static String script(int version) {
        if (version < 1 || version > SCRIPTS.size()) {
            throw new IllegalArgumentException("Herald schema versions are 1 to " + SCRIPTS.size() + ", got " + version);
        }
        String name = SCRIPTS.get(version - 1);
        try (InputStream in = HeraldSchema.class.getResourceAsStream("/io/herald/jdbc/" + name)) {
            if (in == null) {
                throw new IllegalStateException("io/herald/jdbc/" + name + " is missing from the class path; is herald-jdbc's jar complete?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies the scripts the database lacks; returns the versions applied (empty when up to date). */
    public static List<Integer> migrate(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return migrate(connection);
        } catch (SQLException e) {
            throw new HeraldJdbcException("could not migrate the Herald schema: " + e.getMessage(), e);
        }
    }

    /** As {@link #migrate(DataSource)}, on a connection the caller owns; commits its own transaction. */
    public static List<Integer> migrate(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ", hashtext(current_schema()))");
            statement.execute("CREATE TABLE IF NOT EXISTS herald_schema_version ("
                    + "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            int current = currentVersion(statement);
            if (current > SCRIPTS.size()) {
                throw new HeraldJdbcException("the database has Herald schema version " + current
                        + " but this herald-jdbc knows only up to " + SCRIPTS.size() + "; upgrade herald-jdbc");
            }
            List<Integer> applied = new java.util.ArrayList<>();
            for (int version = current + 1; version <= SCRIPTS.size(); version++) {
                statement.execute(script(version));
                applied.add(version);
            }
            connection.commit();
            return List.copyOf(applied);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The version the database has, 0 when Herald's tables were never created. */
    public static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT to_regclass('herald_schema_version') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return 0;
            }
            return currentVersion(statement);
        }
    }

    private static int currentVersion(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT coalesce(max(version), 0) FROM herald_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
