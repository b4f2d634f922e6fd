package io.herald.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CloudEvents JSON event format (structured mode) at Herald's edges: the CLI, the HTTP API.
 * The CloudEvents Java SDK parses and writes the envelope; this class maps its
 * {@link CloudEvent} to and from {@link Event}, so that Herald's own validation (and its error
 * messages) applies to everything that enters. Thread-safe.
 *
 * <p>Where the format asks more than the SDK does, this class does it:
 * <ul>
 *   <li>data is written inline as JSON only when the content type is JSON (or absent) and the
 *       bytes are valid JSON; text that is not JSON is written as a JSON string, anything else as
 *       {@code data_base64} — so the output always parses back;
 *   <li>an attribute given as JSON {@code null} is treated as absent (format spec section 2.2).
 * </ul>
 */
public final class CloudEventsJson {

    public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    private static final JsonFormat FORMAT = new JsonFormat();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Exactly one JSON value, nothing after it. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CloudEventsJson() {
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
        }
        object.remove(nulls);
        CloudEvent cloudEvent;
        try {
            cloudEvent = FORMAT.deserialize(MAPPER.writeValueAsBytes(object));
        } catch (RuntimeException | JsonProcessingException e) {
            throw new MalformedEventException("not a CloudEvents 1.0 JSON event: " + rootMessage(e), e);
        }
        return fromCloudEvent(cloudEvent);
    }

    public static Event parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] write(Event event) {
        if (!event.hasData() || isJsonData(event)) {
            return FORMAT.serialize(toCloudEvent(event));
        }
        // the SDK would paste these bytes in as JSON: write the data member here instead
        try {
            ObjectNode object = (ObjectNode) MAPPER.readTree(FORMAT.serialize(toCloudEvent(event.toBuilder().data((byte[]) null).build())));
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

    /** The SDK's view of an event, for code that speaks the SDK (protocol bindings). */
    public static CloudEvent toCloudEvent(Event event) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(event.id())
                .withSource(URI.create(event.source()))
                .withType(event.type());
        event.time().ifPresent(t -> b.withTime(t.atOffset(ZoneOffset.UTC)));
        event.subject().ifPresent(b::withSubject);
        event.dataContentType().ifPresent(b::withDataContentType);
        event.dataSchema().ifPresent(s -> b.withDataSchema(URI.create(s)));
        if (event.hasData()) {
            b.withData(event.rawData());
        }
        event.extensions().forEach(b::withExtension);
        return b.build();
    }

    public static Event fromCloudEvent(CloudEvent ce) {
        if (!"1.0".equals(ce.getSpecVersion().toString())) {
            throw new InvalidEventException("specversion", "must be '1.0', got '" + ce.getSpecVersion() + "'");
        }
        Event.Builder b = new Event.Builder()
                .id(ce.getId())
                .source(ce.getSource() == null ? null : ce.getSource().toString())
                .type(ce.getType())
                .time(ce.getTime() == null ? null : ce.getTime().toInstant())
                .subject(ce.getSubject())
                .dataContentType(ce.getDataContentType())
                .dataSchema(ce.getDataSchema() == null ? null : ce.getDataSchema().toString());
        CloudEventData data = ce.getData();
        if (data != null) {
            b.dataWithoutCopy(data.toBytes());
        }
        for (String name : ce.getExtensionNames()) {
            Object value = ce.getExtension(name);
            if (value != null) {
                b.extension(name, value instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : value.toString());
            }
        }
        return b.build();
    }

    /** JSON the SDK may write inline: a JSON (or absent) content type, and bytes that really are JSON. */
    private static boolean isJsonData(Event event) {
        String type = event.rawDataContentType();
        if (type != null && !isJsonContentType(type)) {
            return false;
        }
        try {
            JsonNode node = STRICT.readTree(event.rawData());
            return node != null && !node.isMissingNode();
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

    private static boolean isText(Event event) {
        String type = event.rawDataContentType();
        if (type == null) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT);
        // JSON types are left out: a JSON string there would read back as JSON text, quotes and all
        return (t.startsWith("text/") || t.contains("xml")) && !isJsonContentType(t);
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
