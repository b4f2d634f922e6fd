package io.herald.jdbc;

import io.herald.error.HeraldException;

/** The database refused or failed a Herald outbox, relay, inbox or schema operation; carries the SQL error. */
public class HeraldJdbcException extends HeraldException {

    public HeraldJdbcException(String message, Throwable cause) {
        super(message, cause);
    }

    public HeraldJdbcException(String message) {
        super(message);
    }
}
