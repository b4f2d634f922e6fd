package io.herald.broker;

import io.herald.event.Event;
import java.time.Instant;

/** An event as a topic holds it: where it is and when the log appended it. */
public record StoredEvent(String topic, Position position, Instant appendTime, Event event) {
}
