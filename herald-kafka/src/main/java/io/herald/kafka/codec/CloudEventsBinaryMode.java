package io.herald.kafka.codec;

import io.herald.event.Event;
import io.herald.event.InvalidEventException;
import io.herald.event.MalformedEventException;
import io.herald.event.Rfc3339;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Events as Kafka records in the binary mode of the CloudEvents Kafka protocol binding (1.0.2):
 *
 * <pre>
 * attribute          record part
 * specversion        header ce_specversion = "1.0"
 * id, source, type   headers ce_id, ce_source, ce_type
 * time               header ce_time, RFC 3339 ({@link Rfc3339}: written as Instant.toString, UTC, up to nanoseconds)
 * subject            header ce_subject
 * dataschema         header ce_dataschema
 * datacontenttype    header content-type (the binding's rule: not ce_datacontenttype)
 * partitionkey       the record key (UTF-8); no header, the key is its one home
 * other extensions   header ce_&lt;name&gt; (traceparent, correlationid, causationid, any other)
 * data               the record value; no data = a null value, empty data = an empty value
 * </pre>
 *
 * Header values are UTF-8 strings. A record written by another CloudEvents producer that carries
 * both a key and a {@code ce_partitionkey} header decodes with the header's value. Stateless and
 * thread-safe.
 */
public final class CloudEventsBinaryMode {

    public static final String PREFIX = "ce_";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String DATA_SCHEMA = "ce_dataschema";
    public static final String CONTENT_TYPE = "content-type";

    private CloudEventsBinaryMode() {
    }

    /** The record key: the event's partition key, or null. */
    public static byte[] key(Event event) {
        return event.partitionKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** The record value: the event's data, or null when it has none. */
    public static byte[] value(Event event) {
        return event.hasData() ? event.data() : null;
    }

    public static Headers headers(Event event) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, SPEC_VERSION, Event.SPEC_VERSION);
        add(headers, ID, event.id());
        add(headers, SOURCE, event.source());
        add(headers, TYPE, event.type());
        Instant time = event.time().orElse(null);
        if (time != null) {
            headers.add(TIME, Rfc3339.formatToAscii(time));
        }
        event.subject().ifPresent(s -> add(headers, SUBJECT, s));
        event.dataSchema().ifPresent(s -> add(headers, DATA_SCHEMA, s));
        event.dataContentType().ifPresent(c -> add(headers, CONTENT_TYPE, c));
        for (Map.Entry<String, String> e : event.extensions().entrySet()) {
            if (!e.getKey().equals(Event.PARTITION_KEY)) {
                add(headers, PREFIX + e.getKey(), e.getValue());
            }
        }
        return headers;
    }

    /** Bytes the record will take beyond Kafka's own framing: what the size limit is checked against. */
    public static long encodedSize(byte[] key, byte[] value, Headers headers) {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length) + 2;
        }
        return size;
    }

    /**
     * The event a record carries; throws {@link MalformedEventException} naming what is missing or
     * wrong when the record is not a valid CloudEvent in binary mode. The event takes {@code value}
     * as its data, without a copy: a consumed record's value is an array of its own, and the
     * caller must not write to it afterwards.
     */
    public static Event decode(byte[] key, byte[] value, Headers headers) {
        Event.Builder b = Event.builder().time(null);
        String specVersion = null;
        boolean partitionKeyHeader = false;
        for (Header h : headers) {
            String name = h.key();
            if (name.equals(CONTENT_TYPE)) {
                b.dataContentType(text(h));
                continue;
            }
            if (!name.startsWith(PREFIX)) {
                continue; // headers of other tools (tracing, Kafka Connect) are not attributes
            }
            switch (name) {
                case SPEC_VERSION -> specVersion = specVersion(h);
                case ID -> b.id(text(h));
                case SOURCE -> b.source(text(h));
                case TYPE -> b.type(text(h));
                case TIME -> b.time(parseTime(text(h)));
                case SUBJECT -> b.subject(text(h));
                case DATA_SCHEMA -> b.dataSchema(text(h));
                default -> {
                    String extension = name.substring(PREFIX.length());
                    partitionKeyHeader |= extension.equals(Event.PARTITION_KEY);
                    b.extension(extension, text(h));
                }
            }
        }
        if (specVersion == null) {
            throw new MalformedEventException("the record is not a CloudEvent in binary mode: it has no " + SPEC_VERSION + " header");
        }
        if (!specVersion.equals(Event.SPEC_VERSION)) {
            throw new MalformedEventException("CloudEvents spec version '" + specVersion + "' is not supported; this reader knows " + Event.SPEC_VERSION);
        }
        if (key != null && !partitionKeyHeader) {
            b.partitionKey(new String(key, StandardCharsets.UTF_8));
        }
        if (value != null) {
            b.dataWithoutCopy(value); // the consumer's deserializer made this array for this record alone
        }
        try {
            return b.build();
        } catch (InvalidEventException e) {
            throw new MalformedEventException("the record's CloudEvent is invalid: " + e.getMessage(), e);
        }
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Header h) {
        if (h.value() == null) {
            throw new MalformedEventException("header " + h.key() + " has no value");
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The header's version; "1.0", which nearly every record carries, without decoding its bytes. */
    private static String specVersion(Header h) {
        byte[] v = h.value();
        return v != null && v.length == 3 && v[0] == '1' && v[1] == '.' && v[2] == '0' ? Event.SPEC_VERSION : text(h);
    }

    private static Instant parseTime(String text) {
        try {
            return Rfc3339.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("header " + TIME + " '" + text + "' is not an RFC 3339 time", e);
        }
    }
}
