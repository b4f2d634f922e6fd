package io.herald.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import io.herald.event.MalformedEventException;
import java.io.IOException;

/**
 * Turns what a user gave into an event, strictly: nothing is guessed and no byte is changed.
 * Without a content type the input must be JSON: a JSON object with a {@code specversion} member
 * is a CloudEvents JSON event, taken as it is; any other JSON document is the data of a new event
 * with this input's type, source, key and subject, typed {@code application/json}. Anything else
 * is refused, naming why, so that a truncated event or a binary file is never published as text.
 * With a content type the input is that data, byte for byte (checked to be JSON when the type
 * says JSON). A partition key, when given, is set on CloudEvents events too: the option is the
 * user's latest word on it.
 *
 * <p>Immutable and thread-safe.
 */
final class EventInput {

    // Trailing tokens make `{"a":1} extra` not a JSON document.
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final String type;
    private final String source;
    private final String key;
    private final String subject;
    private final String contentType;

    /** {@code key}, {@code subject} and {@code contentType} may be null: not set. */
    EventInput(String type, String source, String key, String subject, String contentType) {
        this.type = type;
        this.source = source;
        this.key = key;
        this.subject = subject;
        this.contentType = contentType;
    }

    /** Throws {@link MalformedEventException} (naming why the input is refused) or {@link io.herald.event.InvalidEventException}. */
    Event toEvent(byte[] input) {
        if (contentType != null && !CloudEventsJson.declaresJson(contentType)) {
            return data(input, contentType);
        }
        JsonNode json = parseJson(input);
        if (contentType == null && json.isObject() && json.has("specversion")) {
            Event event = CloudEventsJson.parse(input);
            return key == null ? event : event.withPartitionKey(key);
        }
        return data(input, contentType != null ? contentType : Event.APPLICATION_JSON);
    }

    private Event data(byte[] input, String dataContentType) {
        return Event.builder()
                .type(type)
                .source(source)
                .subject(subject)
                .data(input)
                .dataContentType(dataContentType)
                .partitionKey(key)
                .build();
    }

    /** The JSON document the input is; refused, with the parser's reason, when it is not one. */
    private JsonNode parseJson(byte[] input) {
        try {
            JsonNode json = JSON.readTree(input);
            if (json == null || json.isMissingNode()) {
                throw new MalformedEventException("it is empty, not JSON");
            }
            return json;
        } catch (IOException notJson) {
            String reason = notJson instanceof JacksonException j ? j.getOriginalMessage() : notJson.getMessage();
            throw new MalformedEventException("it is not JSON (" + (reason == null ? notJson.getClass().getSimpleName() : reason)
                    + (contentType == null ? "); to publish other data give its type, such as --content-type text/plain"
                            : "), which --content-type " + contentType + " says it is"));
        }
    }
}
