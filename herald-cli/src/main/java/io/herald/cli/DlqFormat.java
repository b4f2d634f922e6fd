package io.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.broker.DeadLetter;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How {@code herald dlq list} prints a dead letter: always one line each, so output can be piped. */
enum DlqFormat {

    /**
     * {@code position originalPosition attempts lastFailure type id reason}, for people. The reason
     * is last because it is free text (escaped onto one line), as data is last in {@code read}.
     */
    LINE {
        @Override
        String format(DeadLetter d) {
            Event e = d.event();
            return d.position() + " " + d.originalPosition() + " " + d.attempts() + " " + d.lastFailure() + " " + e.type()
                    + " " + e.id() + " " + ReadFormat.oneLine(d.reason());
        }
    },

    /** Every field of the dead letter as a JSON object, the event as a CloudEvents JSON object. */
    JSON {
        @Override
        String format(DeadLetter d) {
            try {
                return MAPPER.writeValueAsString(toJson(d));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final ObjectMapper MAPPER = new ObjectMapper();

    abstract String format(DeadLetter deadLetter);

    /** Positions as {@code PARTITION@OFFSET} (what {@code dlq show} takes); absent errors as null, so every line has every field. */
    static ObjectNode toJson(DeadLetter d) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("position", d.position().toString());
        json.put("topic", d.topic());
        json.put("subscription", d.subscription());
        json.put("originalPosition", d.originalPosition().toString());
        json.put("attempts", d.attempts());
        json.put("firstFailure", d.firstFailure().toString());
        json.put("lastFailure", d.lastFailure().toString());
        json.put("errorClass", d.errorClass().orElse(null));
        json.put("errorMessage", d.errorMessage().orElse(null));
        json.put("reason", d.reason());
        json.set("event", eventJson(d.event()));
        return json;
    }

    static JsonNode eventJson(Event event) {
        try {
            return MAPPER.readTree(CloudEventsJson.write(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
