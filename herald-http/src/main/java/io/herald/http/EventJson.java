package io.herald.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import io.herald.event.ExtensionType;
import io.herald.event.Rfc3339;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An event as a member of an answer (a read, a delivery, a dead letter): CloudEvents JSON, with
 * JSON data inline as the event holds it. The server writes the data bytes verbatim
 * ({@link #write}: the attributes as fields, typed extensions as their JSON types, the time at
 * its offset, JSON data as its bytes — CloudEventsJson's document, without building the SDK's
 * event and a tree for each of the thousands a read answers); a JSON tree
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

    /** Plain defaults, as {@link CloudEventsJson} checks data with: the server's mapper caps nesting lower. */
    private static final JsonFactory DATA_CHECK = new JsonFactory();

    /** The event as one line of UTF-8 JSON. */
    public static byte[] toBytes(Event event) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256 + event.dataLength());
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator((java.io.OutputStream) out)) {
            write(g, event);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /**
     * The event in the CloudEvents JSON format as {@link CloudEventsJson#write} writes it: the
     * attributes in the SDK's order, then the data inline when it is JSON, as a string when it
     * is text, else as {@code data_base64}.
     */
    public static void write(JsonGenerator g, Event event) throws IOException {
        g.writeStartObject();
        g.writeStringField("specversion", event.specVersion());
        g.writeStringField("id", event.id());
        g.writeStringField("source", event.source());
        g.writeStringField("type", event.type());
        String contentType = event.dataContentType().orElse(null);
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
            ZoneOffset offset = event.timeOffset().orElse(ZoneOffset.UTC);
            g.writeStringField("time", offset.equals(ZoneOffset.UTC) ? sdkTime(event.time().get())
                    : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(event.timeWithOffset().orElseThrow()));
        }
        writeExtensions(g, event);
        if (event.hasData()) {
            writeData(g, event, contentType);
        }
        g.writeEndObject();
    }

    private static void writeExtensions(JsonGenerator g, Event event) throws IOException {
        Map<String, String> extensions = event.extensions();
        if (extensions.size() > 1) {
            // the SDK writes them as its builder's HashMap iterates; the same puts into a new
            // HashMap iterate alike, so the output stays the SDK's to the byte
            Map<String, String> sdkOrder = new HashMap<>();
            extensions.forEach(sdkOrder::put);
            extensions = sdkOrder;
        }
        boolean typed = !event.extensionTypes().isEmpty();
        for (Map.Entry<String, String> x : extensions.entrySet()) {
            // as CloudEventsJson: integers and booleans keep their JSON type, every other type is its canonical string
            ExtensionType type = typed ? event.extensionType(x.getKey()) : ExtensionType.STRING;
            switch (type) {
                case INTEGER -> g.writeNumberField(x.getKey(), Integer.parseInt(x.getValue()));
                case BOOLEAN -> g.writeBooleanField(x.getKey(), Boolean.parseBoolean(x.getValue()));
                default -> g.writeStringField(x.getKey(), x.getValue());
            }
        }
    }

    private static void writeData(JsonGenerator g, Event event, String contentType) throws IOException {
        byte[] data = event.data();
        if ((contentType == null || isJsonContentType(contentType)) && isJson(data)) {
            if (isAscii(data)) {
                g.writeFieldName("data");
                g.writeRawValue(new RawUtf8(data));
            } else {
                // as the SDK does: through a String, so malformed UTF-8 that the JSON parser let
                // pass comes out as the same replacement characters
                g.writeFieldName("data");
                g.writeRawValue(new String(data, StandardCharsets.UTF_8));
            }
            return;
        }
        String text = isText(contentType) ? utf8(data) : null;
        if (text != null) {
            g.writeStringField("data", text);
        } else {
            g.writeFieldName("data_base64");
            g.writeBinary(data);
        }
    }

    /** {@code DateTimeFormatter.ISO_OFFSET_DATE_TIME} in UTC, as the SDK writes a time: the fraction without trailing zeros. */
    static String sdkTime(Instant time) {
        String utc = Rfc3339.format(time);
        if (utc.length() < 20 || utc.charAt(4) != '-') {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.atOffset(ZoneOffset.UTC));
        }
        if (utc.length() == 20) {
            return utc; // no fraction
        }
        int end = utc.length() - 1; // at 'Z'
        int last = end - 1;
        while (utc.charAt(last) == '0') {
            last--;
        }
        return last == end - 1 ? utc : utc.substring(0, last + 1) + "Z";
    }

    /**
     * As CloudEventsJson decides (it reads the data into a tree): exactly one JSON value, nothing
     * after it. Each string is decoded, since a tree would decode it: skipping one takes UTF-8
     * that decoding refuses (an encoded surrogate) and lengths past the stream's limits.
     */
    private static boolean isJson(byte[] data) {
        if (utf8(data) == null) {
            return false; // as CloudEventsJson: bytes that are not UTF-8 are not JSON, and go out as data_base64, lossless
        }
        try (JsonParser p = DATA_CHECK.createParser(data)) {
            int depth = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case VALUE_STRING -> p.getTextLength();
                    default -> {
                        // names are decoded as they are read; numbers are checked as they are read
                    }
                }
                if (depth == 0) {
                    return p.nextToken() == null;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isJsonContentType(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semicolon = t.indexOf(';');
        String mediaType = (semicolon < 0 ? t : t.substring(0, semicolon)).trim();
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return (t.startsWith("text/") || t.contains("xml")) && !isJsonContentType(t);
    }

    private static boolean isAscii(byte[] data) {
        for (byte b : data) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * JSON text that is already UTF-8, for {@link JsonGenerator#writeRawValue(SerializableString)}:
     * a UTF-8 generator copies the bytes into its buffer. It is no string to be quoted, so the
     * quoting methods refuse.
     */
    private static final class RawUtf8 implements SerializableString {

        private final byte[] bytes;

        RawUtf8(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getValue() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return bytes;
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + bytes.length > buffer.length) {
                return -1;
            }
            System.arraycopy(bytes, 0, buffer, offset, bytes.length);
            return bytes.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            String value = getValue();
            if (offset + value.length() > buffer.length) {
                return -1;
            }
            value.getChars(0, value.length(), buffer, offset);
            return value.length();
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(bytes);
            return bytes.length;
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (buffer.remaining() < bytes.length) {
                return -1;
            }
            buffer.put(bytes);
            return bytes.length;
        }

        @Override
        public char[] asQuotedChars() {
            throw notAString();
        }

        @Override
        public byte[] asQuotedUTF8() {
            throw notAString();
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            throw notAString();
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            throw notAString();
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) {
            throw notAString();
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) {
            throw notAString();
        }

        private static UnsupportedOperationException notAString() {
            return new UnsupportedOperationException("raw JSON is written with writeRawValue, never quoted as a string");
        }
    }
}
