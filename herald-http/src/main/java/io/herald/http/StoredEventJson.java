package io.herald.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.CloudEventsJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An event as a topic holds it, as a read answers it:
 * {@code {"position": "0@12", "appendTime": "2026-12-07T10:00:00.123Z", "event": {CloudEvents JSON}}}.
 */
public final class StoredEventJson {

    private StoredEventJson() {
    }

    /** Writes the object; the event goes in as the CloudEvents SDK writes it, without a tree in between. */
    public static void write(JsonGenerator g, StoredEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("position", Positions.format(e.position()));
        g.writeStringField("appendTime", e.appendTime().toString());
        g.writeFieldName("event");
        g.writeRawValue(new String(CloudEventsJson.write(e.event()), StandardCharsets.UTF_8));
        g.writeEndObject();
    }

    /** A stored event of an answer read with {@link Json#treeKeepingRaw} (see {@link EventJson}). */
    public static StoredEvent read(String topic, JsonNode o) {
        Position position = Positions.parse(o.path("position").asText());
        Instant appendTime = Instant.parse(o.path("appendTime").asText());
        return new StoredEvent(topic, position, appendTime, EventJson.read(o.path("event")));
    }
}
