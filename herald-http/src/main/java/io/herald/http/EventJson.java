package io.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * An event as a member of an answer (a read, a delivery, a dead letter): CloudEvents JSON, with
 * JSON data inline as the event holds it. The server writes the data bytes verbatim; a JSON tree
 * would re-write them (spaces gone, numbers re-formatted), and an event's data is its bytes. So a
 * client reads answers with {@code Json.treeKeepingRaw(body, EventJson.RAW_MEMBERS)} and each
 * event member with {@link #read}: the event it gets is the event stored, byte for byte.
 */
public final class EventJson {

    /** The members a client keeps raw when it reads an answer holding events. */
    public static final Set<String> RAW_MEMBERS = Set.of("data");

    private EventJson() {
    }

    /** The event of an answer's event member; its data the raw text when the tree kept it so. */
    public static Event read(JsonNode member) {
        Optional<String> raw = Json.raw(member.path("data"));
        if (raw.isEmpty()) {
            return CloudEventsJson.parse(Json.write(member));
        }
        ObjectNode envelope = ((ObjectNode) member).deepCopy();
        envelope.remove("data");
        return CloudEventsJson.parse(Json.write(envelope)).toBuilder().data(raw.get().getBytes(StandardCharsets.UTF_8)).build();
    }
}
