package io.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.broker.StoredEvent;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** How {@code herald read} prints an event: always one line per event, so output can be piped. */
enum ReadFormat {

    /** The CloudEvents JSON event, nothing else: {@code herald read a | herald publish b} copies a topic. */
    JSON {
        @Override
        String format(StoredEvent stored) {
            String json = CloudEventsJson.writeString(stored.event());
            return json.indexOf('\n') < 0 && json.indexOf('\r') < 0 ? json : compact(json);
        }
    },

    /** {@code partition@offset appendTime type id data}, for people. */
    LINE {
        @Override
        String format(StoredEvent stored) {
            Event e = stored.event();
            String line = stored.position() + " " + stored.appendTime() + " " + e.type() + " " + e.id();
            return e.hasData() ? line + " " + dataText(e) : line;
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();

    abstract String format(StoredEvent stored);

    // JSON data written as it was published may span lines; one event must stay one line.
    private static String compact(String json) {
        try {
            return MAPPER.writeValueAsString(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            return json.replace("\r", "").replace("\n", " ");
        }
    }

    /** The data as text with line breaks escaped, or a note of its size when it is not UTF-8 text. */
    static String dataText(Event event) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(event.data()))
                    .toString();
        } catch (CharacterCodingException binary) {
            return "<" + event.dataLength() + " bytes of " + event.dataContentType().orElse("binary data") + ">";
        }
        return oneLine(text);
    }

    /** The text with line breaks, tabs and other control characters escaped, so that it stays on one line. */
    static String oneLine(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
