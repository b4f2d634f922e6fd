package io.herald.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;

/**
 * Turns what a user typed into an event. A JSON object with a {@code specversion} member is a
 * CloudEvents JSON event and is taken as it is; anything else is the data of a new event with
 * this input's type, source, key and subject, typed {@code application/json} when it parses as
 * JSON and {@code text/plain} otherwise (unless a content type was given). A partition key, when
 * given, is set on CloudEvents events too: the option is the user's latest word on it.
 *
 * <p>Immutable and thread-safe.
 */
final class EventInput {

    static final String TEXT_PLAIN = "text/plain";

    // Trailing tokens make `{"a":1} extra` plain text, not a JSON document with garbage after it.
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String type;
    private final String source;
    private final String key;
    private final String subject;
    private final String contentType;

    /** {@code key}, {@code subject} and {@code contentType} may be null: not set, or (content type) detected. */
    EventInput(String type, String source, String key, String subject, String contentType) {
        this.type = type;
        this.source = source;
        this.key = key;
        this.subject = subject;
        this.contentType = contentType;
    }

    /** Throws {@link io.herald.event.MalformedEventException} or {@link io.herald.event.InvalidEventException}. */
    Event toEvent(String text) {
        JsonNode json = parseJson(text);
        if (json != null && json.isObject() && json.has("specversion")) {
            Event event = CloudEventsJson.parse(text);
            return key == null ? event : event.withPartitionKey(key);
        }
        return Event.builder()
                .type(type)
                .source(source)
                .subject(subject)
                .data(text)
                .dataContentType(contentType != null ? contentType : json != null ? Event.APPLICATION_JSON : TEXT_PLAIN)
                .partitionKey(key)
                .build();
    }

    /** The JSON document the text is, or null when it is not one. */
    private static JsonNode parseJson(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException notJson) {
            return null;
        }
    }
}
