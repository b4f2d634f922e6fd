package io.herald.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import io.herald.event.ExtensionType;
import io.herald.event.Rfc3339;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An event as a topic holds it, as a read answers it:
 * {@code {"position": "0@12", "appendTime": "2026-12-07T10:00:00.123Z", "event": {CloudEvents JSON}}},
 * the event written by {@link EventJson#write}.
 */
public final class StoredEventJson {

    private StoredEventJson() {
    }

    /** Writes the object. */
    public static void write(JsonGenerator g, StoredEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("position", Positions.format(e.position()));
        g.writeStringField("appendTime", Rfc3339.format(e.appendTime()));
        g.writeFieldName("event");
        EventJson.write(g, e.event());
        g.writeEndObject();
    }

    /** The stored event as one line of UTF-8 JSON (a Server-Sent Event's data). */
    public static byte[] toBytes(StoredEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + e.event().dataLength());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator((OutputStream) out)) {
            write(g, e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** A stored event of an answer read with {@link Json#treeKeepingRaw} (see {@link EventJson}). */
    public static StoredEvent read(String topic, JsonNode o) {
        Position position = Positions.parse(o.path("position").asText());
        Instant appendTime = Instant.parse(o.path("appendTime").asText());
        return new StoredEvent(topic, position, appendTime, EventJson.read(o.path("event")));
    }

}
