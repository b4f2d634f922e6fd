package io.herald.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.CloudEventsJson;
import java.io.IOException;
import java.time.Instant;

/**
 * An event as a topic holds it, as a read answers it:
 * {@code {"position": "0@12", "appendTime": "2026-12-07T10:00:00.123Z", "event": {CloudEvents JSON}}}.
 */
public final class StoredEventJson {

    private StoredEventJson() {
    }

    /** Writes the object; the event goes in as the CloudEvents SDK writes it ({@link CloudEventsJsonWriter}). */
    public static void write(JsonGenerator g, StoredEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("position", Positions.format(e.position()));
        g.writeStringField("appendTime", e.appendTime().toString());
        g.writeFieldName("event");
        CloudEventsJsonWriter.write(g, e.event());
        g.writeEndObject();
    }

    public static StoredEvent read(String topic, JsonNode o) {
        Position position = Positions.parse(o.path("position").asText());
        Instant appendTime = Instant.parse(o.path("appendTime").asText());
        return new StoredEvent(topic, position, appendTime, CloudEventsJson.parse(Json.write(o.path("event"))));
    }
}
