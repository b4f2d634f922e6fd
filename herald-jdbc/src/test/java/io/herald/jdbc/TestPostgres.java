package io.herald.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL 17 (zonky's binaries from Maven) for the tests: one server per test JVM,
 * started on first use, and a fresh database per caller of {@link #newDatabase()} (one per test
 * class), so classes never see each other's rows. Tests that restart PostgreSQL start their own
 * with {@link #start(Path, int)}.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres shared;

    private TestPostgres() {
    }

    /** A new, empty database on the shared server. */
    public static synchronized DataSource newDatabase() {
        if (shared == null) {
            shared = start(null, 0);
        }
        String name = "herald_test_" + DATABASES.incrementAndGet();
        try (Connection c = shared.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return dataSource(shared.getPort(), name);
    }

    /** A new database with Herald's tables. */
    public static DataSource newMigratedDatabase() {
        DataSource ds = newDatabase();
        io.herald.jdbc.schema.HeraldSchema.migrate(ds);
        return ds;
    }

    /**
     * Starts a server; with a data directory and port, on those (a restart keeps its data). Tests
     * favour speed over durability against power loss: fsync is off, which a kill of PostgreSQL's
     * clients or a clean restart of the server does not care about.
     */
    public static EmbeddedPostgres start(Path dataDirectory, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200");
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            if (port != 0) {
                builder.setPort(port);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DataSource dataSource(int port, String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"localhost"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser("postgres");
        return ds;
    }
}
