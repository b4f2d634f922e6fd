package io.herald.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

/**
 * The CloudEvents JSON event format (structured mode) at Herald's edges: the CLI, the HTTP API.
 * Parsing and writing are done by the CloudEvents Java SDK; this class maps its {@link CloudEvent}
 * to and from {@link Event}, so that Herald's own validation (and its error messages) applies to
 * everything that enters. Thread-safe.
 */
public final class CloudEventsJson {

    public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    private static final JsonFormat FORMAT = new JsonFormat();

    private CloudEventsJson() {
    }

    /** Parses one event; throws {@link MalformedEventException} or {@link InvalidEventException} naming the problem. */
    public static Event parse(byte[] json) {
        CloudEvent cloudEvent;
        try {
            cloudEvent = FORMAT.deserialize(json);
        } catch (RuntimeException e) {
            throw new MalformedEventException("not a CloudEvents 1.0 JSON event: " + rootMessage(e), e);
        }
        return fromCloudEvent(cloudEvent);
    }

    public static Event parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] write(Event event) {
        return FORMAT.serialize(toCloudEvent(event));
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
                b.extension(name, value instanceof byte[] bytes
                        ? java.util.Base64.getEncoder().encodeToString(bytes)
                        : value.toString());
            }
        }
        return b.build();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        // Jackson appends the parser location on new lines; the first line names the problem.
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
