package io.herald.jdbc;

import java.sql.SQLException;

/**
 * A Herald table is not in the database (or not on the connection's search_path). The message says
 * how to create it.
 */
public final class SchemaMissingException extends HeraldJdbcException {

    /** PostgreSQL's SQLSTATE for "relation does not exist". */
    static final String UNDEFINED_TABLE = "42P01";

    public SchemaMissingException(String table, SQLException cause) {
        super("the table " + table + " does not exist (or is not on the connection's search_path): create Herald's tables"
                + " with HeraldSchema.migrate(dataSource), or apply io/herald/jdbc/V1__outbox_inbox.sql from herald-jdbc's jar"
                + " with your own migration tool", cause);
    }

    /** Whether a statement failed because a table does not exist. */
    public static boolean isMissingTable(SQLException e) {
        return UNDEFINED_TABLE.equals(e.getSQLState());
    }
}
