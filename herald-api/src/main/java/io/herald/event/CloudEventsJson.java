package io.herald.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CloudEvents JSON event format (structured mode) at Herald's edges: the CLI, the HTTP API.
 * The CloudEvents Java SDK parses and writes the envelope; this class maps its
 * {@link CloudEvent} to and from {@link Event}, so that Herald's own validation (and its error
 * messages) applies to everything that enters. Thread-safe.
 *
 * <p>Data, following the JSON format's section 3.1 ("Handling of data"). A content type
 * "declares JSON" when, without its parameters, it is &#42;/json or &#42;/&#42;+json
 * ({@code application/json}, {@code text/json}, {@code application/vnd.shop+json; v=2}); an absent
 * one is treated as {@code application/json}, as the section says a reader SHOULD.
 * <ul>
 *   <li>Reading, a {@code data} member under a JSON content type is a JSON value, whatever its
 *       shape (object, array, number, string, boolean, null), and the event's data is that value's
 *       JSON text: {@code "data": "hi"} is the four bytes {@code "hi"}, quotes included, because
 *       the section has the reader "translate the data value into a JSON value and use it as the
 *       data"; the JSON value of a string is the quoted string, and only so does a string stay
 *       apart from a number or an object of the same characters. The SDK takes inline data only
 *       for {@code application/json} and {@code text/json}, so this class reads every JSON
 *       {@code data} itself. Floating-point numbers keep all their digits (read as decimals).
 *       An event with inline data and no content type gets {@code application/json}.
 *   <li>Under any other content type {@code data} must be a string, which is the data's text; and
 *       {@code data_base64} is bytes under any content type.
 *   <li>Writing is the reverse, so every written event parses back equal: data under a JSON (or
 *       absent) content type that is valid JSON is written inline as that JSON value (whitespace
 *       and number spelling are not kept); text under a text type ({@code text/*}, XML) is a
 *       JSON string; everything else, JSON-typed bytes that are not JSON included, is
 *       {@code data_base64}.
 * </ul>
 *
 * <p>Extensions: an {@link ExtensionType#INTEGER} is written as a JSON number and a
 * {@link ExtensionType#BOOLEAN} as a JSON boolean, and read back so; every other type is written
 * as its canonical string and, the format having no way to say more, read back as a STRING of
 * the same text. A JSON number that is no 32-bit integer is refused (CloudEvents has no other
 * number type). {@link #fromCloudEvent} takes the SDK's typed values from other bindings: URI,
 * OffsetDateTime and byte[] become URI (or URI_REF), TIMESTAMP and BINARY.
 *
 * <p>The {@code time} is read and written at its offset ({@link Event#timeWithOffset()}). An
 * attribute given as JSON {@code null} is treated as absent (format spec section 2.2).
 */
public final class CloudEventsJson {

    public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    private static final JsonFormat FORMAT = new JsonFormat();
    /**
     * Floats as written, as BigDecimal with their trailing zeros: data is stored as JSON text, and
     * a double would drop digits (0.1000000000000000055511 became 0.1) and turn 1e400 into Infinity.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    /** As {@link #MAPPER}, and exactly one JSON value, nothing after it. */
    private static final ObjectMapper STRICT = MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CloudEventsJson() {
    }

    /**
     * Whether data of this {@code datacontenttype} is written inline as a JSON value in this format
     * (section 3.1: &#42;/json or &#42;/&#42;+json, parameters stripped, case ignored), so that every
     * reader of the format, fast or general, decides it alike.
     */
    public static boolean declaresJson(String contentType) {
        return MediaTypes.isJson(contentType);
    }

    /** Parses one event; throws {@link MalformedEventException} or {@link InvalidEventException} naming the problem. */
    public static Event parse(byte[] json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new MalformedEventException("not JSON: " + firstLine(e.getMessage()), e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new MalformedEventException("a CloudEvents JSON event is a JSON object, got "
                    + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType()));
        }
        List<String> nulls = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            if (field.getValue().isNull() && !field.getKey().equals("data")) {
                nulls.add(field.getKey());
            }
            checkExtensionNumber(field.getKey(), field.getValue());
        }
        object.remove(nulls);
        byte[] jsonData = takeJsonData(object);
        CloudEvent cloudEvent;
        try {
            cloudEvent = FORMAT.deserialize(MAPPER.writeValueAsBytes(object));
        } catch (RuntimeException | JsonProcessingException e) {
            throw new MalformedEventException("not a CloudEvents 1.0 JSON event: " + rootMessage(e), e);
        }
        Event.Builder b = builderFrom(cloudEvent);
        if (jsonData != null) {
            b.dataWithoutCopy(jsonData);
            if (cloudEvent.getDataContentType() == null) {
                b.dataContentType(Event.APPLICATION_JSON);
            }
        } else if (cloudEvent.getData() != null) {
            b.dataWithoutCopy(cloudEvent.getData().toBytes()); // data_base64, or the text of a non-JSON type
        }
        return b.build();
    }

    public static Event parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] write(Event event) {
        if (!event.hasData()) {
            return FORMAT.serialize(cloudEvent(event, true).build());
        }
        JsonNode json = jsonData(event);
        if (json != null) {
            // the SDK writes a JsonCloudEventData inline under any content type; given bytes, it
            // would paste them in for application/json only and base64 the rest (+json among them)
            return FORMAT.serialize(cloudEvent(event, true).withData(JsonCloudEventData.wrap(json)).build());
        }
        try {
            ObjectNode object = (ObjectNode) MAPPER.readTree(FORMAT.serialize(cloudEvent(event, true).build()));
            String text = isText(event) ? utf8(event.rawData()) : null;
            if (text != null) {
                object.put("data", text);
            } else {
                object.put("data_base64", Base64.getEncoder().encodeToString(event.rawData()));
            }
            return MAPPER.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new MalformedEventException("cannot write event " + event.id() + " as JSON: " + e.getMessage(), e);
        }
    }

    public static String writeString(Event event) {
        return new String(write(event), StandardCharsets.UTF_8);
    }

    /** The SDK's view of an event, for code that speaks the SDK (protocol bindings): typed extensions as their Java values. */
    public static CloudEvent toCloudEvent(Event event) {
        CloudEventBuilder b = cloudEvent(event, false);
        if (event.hasData()) {
            b.withData(event.rawData());
        }
        return b.build();
    }

    /**
     * The envelope without data. For JSON ({@code forJson}), only integers and booleans go to the
     * SDK typed: the format writes every other type as a string, and the SDK would write a
     * timestamp in its own spelling rather than the canonical string the event holds.
     */
    private static CloudEventBuilder cloudEvent(Event event, boolean forJson) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(event.id())
                .withSource(URI.create(event.source()))
                .withType(event.type());
        event.timeWithOffset().ifPresent(b::withTime);
        event.subject().ifPresent(b::withSubject);
        event.dataContentType().ifPresent(b::withDataContentType);
        event.dataSchema().ifPresent(s -> b.withDataSchema(URI.create(s)));
        for (Map.Entry<String, String> e : event.extensions().entrySet()) {
            String name = e.getKey();
            String text = e.getValue();
            ExtensionType type = event.extensionType(name);
            switch (type) {
                case STRING -> b.withExtension(name, text);
                case INTEGER -> b.withExtension(name, (Number) Integer.valueOf(text));
                case BOOLEAN -> b.withExtension(name, (Boolean) type.parse(text));
                case URI, URI_REF -> {
                    if (forJson) {
                        b.withExtension(name, text);
                    } else {
                        b.withExtension(name, (URI) type.parse(text));
                    }
                }
                case TIMESTAMP -> {
                    if (forJson) {
                        b.withExtension(name, text);
                    } else {
                        b.withExtension(name, (OffsetDateTime) type.parse(text));
                    }
                }
                case BINARY -> {
                    if (forJson) {
                        b.withExtension(name, text);
                    } else {
                        b.withExtension(name, (byte[]) type.parse(text));
                    }
                }
            }
        }
        return b;
    }

    public static Event fromCloudEvent(CloudEvent ce) {
        Event.Builder b = builderFrom(ce);
        CloudEventData data = ce.getData();
        if (data != null) {
            b.dataWithoutCopy(data.toBytes());
        }
        return b.build();
    }

    /** Everything but the data. */
    private static Event.Builder builderFrom(CloudEvent ce) {
        if (!"1.0".equals(ce.getSpecVersion().toString())) {
            throw new InvalidEventException("specversion", "must be '1.0', got '" + ce.getSpecVersion() + "'");
        }
        Event.Builder b = new Event.Builder()
                .id(ce.getId())
                .source(ce.getSource() == null ? null : ce.getSource().toString())
                .type(ce.getType())
                .timeWithOffset(ce.getTime())
                .subject(ce.getSubject())
                .dataContentType(ce.getDataContentType())
                .dataSchema(ce.getDataSchema() == null ? null : ce.getDataSchema().toString());
        for (String name : ce.getExtensionNames()) {
            switch (ce.getExtension(name)) {
                case null -> {
                    // an extension the SDK lists without a value: absent
                }
                case Integer i -> b.extension(name, i.intValue());
                case Boolean bool -> b.extension(name, bool.booleanValue());
                case URI uri -> b.uriExtension(name, uri);
                case OffsetDateTime time -> b.timestampExtension(name, time);
                case byte[] bytes -> b.binaryExtension(name, bytes);
                case Object other -> b.extension(name, other.toString());
            }
        }
        return b;
    }

    /**
     * Takes the {@code data} member out of the object when its content type declares JSON (or is
     * absent) and returns that JSON value's text; null leaves any {@code data} to the SDK, which
     * takes a string under another content type and refuses the rest, naming the content type.
     */
    private static byte[] takeJsonData(ObjectNode object) {
        JsonNode data = object.get("data");
        if (data == null) {
            return null;
        }
        JsonNode contentType = object.get("datacontenttype");
        if (contentType != null && !(contentType.isTextual() && MediaTypes.isJson(contentType.textValue()))) {
            return null;
        }
        if (object.has("data_base64")) {
            throw new MalformedEventException("not a CloudEvents 1.0 JSON event: it has both 'data' and 'data_base64'");
        }
        object.remove("data");
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("cannot read 'data' as JSON: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * CloudEvents has one number type, Integer (32-bit signed); the SDK refuses any other number
     * with the Java class it read. This says it in the format's terms, naming the extension.
     */
    private static void checkExtensionNumber(String name, JsonNode value) {
        if (value.isNumber() && !(value.isIntegralNumber() && value.canConvertToInt())
                && !EventValidation.CORE_ATTRIBUTES.contains(name)) {
            throw new MalformedEventException("not a CloudEvents 1.0 JSON event: extension '" + name + "' is the number " + value
                    + ", but a CloudEvents number is an Integer (32-bit signed); write other numbers as strings");
        }
    }

    /** The data as a JSON value when the SDK may write it inline: a JSON (or absent) content type, and bytes that really are JSON. */
    private static JsonNode jsonData(Event event) {
        String type = event.rawDataContentType();
        if (type != null && !MediaTypes.isJson(type)) {
            return null;
        }
        if (utf8(event.rawData()) == null) {
            return null; // not UTF-8, so not JSON: the parser would decode some malformed bytes (C0 80) lossily
        }
        try {
            JsonNode node = STRICT.readTree(event.rawData());
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isText(Event event) {
        String type = event.rawDataContentType();
        if (type == null) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT);
        // JSON types are left out: a JSON string there would read back as JSON text, quotes and all
        return (t.startsWith("text/") || t.contains("xml")) && !MediaTypes.isJson(t);
    }

    /** The bytes as a string if they are valid UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return firstLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    /** Jackson appends the parser location on new lines; the first line names the problem. */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
