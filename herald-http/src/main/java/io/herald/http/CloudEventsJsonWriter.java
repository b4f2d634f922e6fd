package io.herald.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fast path of writing an event as CloudEvents JSON into a generator that is writing a larger
 * document (a delivery, a read): the members go straight into the generator, where the general
 * path ({@link CloudEventsJson#write}) builds an SDK {@code CloudEvent}, serializes it with the
 * SDK's mapper, and the caller copies the bytes into a {@code String} to paste them in as a raw
 * value — per event, per subscriber. On a receive of 100 events that was half the answer's cost.
 *
 * <p>It writes what the SDK writes, member for member: {@code specversion}, {@code id},
 * {@code source}, {@code type}, then {@code datacontenttype}, {@code dataschema}, {@code subject}
 * and {@code time} when present ({@code time} as {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}
 * at UTC), the extensions in the order of the SDK's {@link HashMap}, and JSON data pasted in
 * as it is. It does so only where {@link CloudEventsJson#write} lets the SDK write the event (no
 * data, or data that is JSON by both Herald's and the SDK's content-type rules and parses as
 * JSON) and no string holds a surrogate character; every other event is written by the general
 * path, as before. {@code CloudEventsJsonWriterProperties} checks the two paths give the same
 * text. Stateless and thread-safe.
 */
public final class CloudEventsJsonWriter {

    /** The SDK's test for JSON data ({@code JsonFormat.dataIsJsonContentType}): otherwise it writes base64. */
    private static final Pattern SDK_JSON_CONTENT_TYPE = Pattern.compile("^(application|text)\\/([a-zA-Z]+\\+)?json(;.*)*$");
    /** Parses data as {@code CloudEventsJson} does to decide it is JSON: default limits, nothing after the value. */
    private static final JsonFactory DATA_CHECK = new JsonFactory();
    /** The commonest content type, JSON by both rules (no regular expression needed for it). */
    private static final String APPLICATION_JSON = "application/json";
    /** A source that parsed as a URI (a benign race: any thread may set it to one that did). */
    private static volatile String lastGoodSource = "";

    private CloudEventsJsonWriter() {
    }

    /** Writes the event as one JSON object value (after a field name, or in an array). */
    public static void write(JsonGenerator g, Event event) throws IOException {
        String contentType = event.dataContentType().orElse(null);
        byte[] data = event.hasData() ? event.data() : null;
        if (!writtenBySdk(event, contentType, data)) {
            g.writeRawValue(new String(CloudEventsJson.write(event), StandardCharsets.UTF_8));
            return;
        }
        g.writeStartObject();
        g.writeStringField("specversion", "1.0");
        g.writeStringField("id", event.id());
        g.writeStringField("source", event.source());
        g.writeStringField("type", event.type());
        if (contentType != null) {
            g.writeStringField("datacontenttype", contentType);
        }
        if (event.dataSchema().isPresent()) {
            g.writeStringField("dataschema", event.dataSchema().get());
        }
        if (event.subject().isPresent()) {
            g.writeStringField("subject", event.subject().get());
        }
        if (event.time().isPresent()) {
            g.writeStringField("time", time(event.time().get()));
        }
        Map<String, String> extensions = event.extensions();
        if (extensions.size() == 1) {
            Map.Entry<String, String> only = extensions.entrySet().iterator().next();
            g.writeStringField(only.getKey(), only.getValue());
        } else if (!extensions.isEmpty()) {
            // the SDK's builder keeps them in a HashMap filled in the event's order
            HashMap<String, String> sdkOrder = new HashMap<>();
            extensions.forEach(sdkOrder::put);
            for (Map.Entry<String, String> e : sdkOrder.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
        }
        if (data != null) {
            g.writeFieldName("data");
            g.writeRawValue(new String(data, StandardCharsets.UTF_8));
        }
        g.writeEndObject();
    }

    /** Whether {@link #write} writes the event itself (for tests). */
    static boolean writesItself(Event event) {
        return writtenBySdk(event, event.dataContentType().orElse(null), event.hasData() ? event.data() : null);
    }

    static String time(Instant time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.atOffset(ZoneOffset.UTC));
    }

    /** Whether {@link CloudEventsJson#write} hands the event to the SDK, and this class writes the same. */
    private static boolean writtenBySdk(Event event, String contentType, byte[] data) {
        if (hasSurrogate(event.id()) || hasSurrogate(event.source()) || hasSurrogate(event.type())
                || event.subject().map(CloudEventsJsonWriter::hasSurrogate).orElse(false)
                || contentType != null && hasSurrogate(contentType)) {
            return false;
        }
        for (Map.Entry<String, String> e : event.extensions().entrySet()) {
            if (!isSdkExtensionName(e.getKey()) || hasSurrogate(e.getValue())) {
                return false;
            }
        }
        try {
            // the general path makes these URIs, and fails where they are none; a topic's events
            // mostly share a source, so the last one found good is remembered
            String source = event.source();
            if (!source.equals(lastGoodSource)) {
                new URI(source);
                lastGoodSource = source;
            }
            if (event.dataSchema().isPresent()) {
                new URI(event.dataSchema().get());
            }
        } catch (URISyntaxException e) {
            return false;
        }
        if (data == null) {
            return true;
        }
        return (contentType == null || contentType.equals(APPLICATION_JSON)
                || isHeraldJsonContentType(contentType) && SDK_JSON_CONTENT_TYPE.matcher(contentType).matches())
                && isJson(data);
    }

    /** {@code CloudEventsJson}'s rule for JSON content types. */
    private static boolean isHeraldJsonContentType(String contentType) {
        String t = contentType.toLowerCase(java.util.Locale.ROOT);
        int semicolon = t.indexOf(';');
        String mediaType = (semicolon < 0 ? t : t.substring(0, semicolon)).trim();
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    /**
     * Exactly one JSON value and nothing after it, as {@code CloudEventsJson} reads data into a tree
     * to tell JSON: every token read, every string and number decoded as the tree would decode it.
     */
    private static boolean isJson(byte[] data) {
        try (JsonParser p = DATA_CHECK.createParser(data)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return false;
            }
            int depth = 0;
            do {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME, VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
                    default -> {
                    }
                }
                if (depth == 0) {
                    break;
                }
                t = p.nextToken();
            } while (t != null);
            return depth == 0 && p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The SDK's rule: lower-case ASCII letters and digits (Herald's own rule too). */
    private static boolean isSdkExtensionName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static boolean hasSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
