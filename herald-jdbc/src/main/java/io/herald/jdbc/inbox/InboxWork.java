package io.herald.jdbc.inbox;

import io.herald.event.Event;
import java.sql.Connection;
import java.sql.SQLException;

/** A handler's effect on the database: writes made with the given connection, in the inbox's transaction. */
@FunctionalInterface
public interface InboxWork {

    void apply(Connection connection, Event event) throws SQLException;
}
