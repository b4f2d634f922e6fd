package io.herald.kafka.codec;

import io.herald.event.Event;
import io.herald.event.ExtensionType;
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
 * time               header ce_time, RFC 3339 at the offset it was published with ({@link Rfc3339}: up to
 *                    nanoseconds, Z for UTC), read back at that offset
 * subject            header ce_subject
 * dataschema         header ce_dataschema
 * datacontenttype    header content-type (the binding's rule: not ce_datacontenttype)
 * partitionkey       the record key (UTF-8); no header, the key is its one home
 * other extensions   header ce_&lt;name&gt; (traceparent, correlationid, causationid, any other),
 *                    the canonical string of any type
 * extension types    header herald_extension_types = "priority=integer,urgent=boolean", the
 *                    extensions that are not strings ({@link ExtensionType#text()}); only when
 *                    there is one
 * data               the record value; no data = a null value, empty data = an empty value
 * </pre>
 *
 * Header values are UTF-8 strings: the binding carries every attribute as its string encoding,
 * so the types of typed extensions travel in the one header of Herald's own (no {@code ce_}
 * prefix, so no other CloudEvents reader takes it for an attribute); a record without it
 * decodes with string extensions, as every record did before it. A record written by another
 * CloudEvents producer that carries both a key and a {@code ce_partitionkey} header decodes with
 * the header's value. Stateless and thread-safe.
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
    public static final String EXTENSION_TYPES = "herald_extension_types";

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
            headers.add(TIME, Rfc3339.formatToAscii(time, event.timeOffset().orElseThrow()));
        }
        event.subject().ifPresent(s -> add(headers, SUBJECT, s));
        event.dataSchema().ifPresent(s -> add(headers, DATA_SCHEMA, s));
        event.dataContentType().ifPresent(c -> add(headers, CONTENT_TYPE, c));
        for (Map.Entry<String, String> e : event.extensions().entrySet()) {
            if (!e.getKey().equals(Event.PARTITION_KEY)) {
                add(headers, PREFIX + e.getKey(), e.getValue());
            }
        }
        Map<String, ExtensionType> types = event.extensionTypes();
        if (!types.isEmpty()) {
            StringBuilder text = new StringBuilder();
            types.forEach((name, type) -> text.append(text.isEmpty() ? "" : ",").append(name).append('=').append(type.text()));
            add(headers, EXTENSION_TYPES, text.toString());
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
        String extensionTypes = null;
        for (Header h : headers) {
            String name = h.key();
            if (name.equals(CONTENT_TYPE)) {
                b.dataContentType(text(h));
                continue;
            }
            if (!name.startsWith(PREFIX)) {
                if (name.equals(EXTENSION_TYPES)) {
                    extensionTypes = text(h);
                }
                continue; // headers of other tools (tracing, Kafka Connect) are not attributes
            }
            switch (name) {
                case SPEC_VERSION -> specVersion = specVersion(h);
                case ID -> b.id(text(h));
                case SOURCE -> b.source(text(h));
                case TYPE -> b.type(text(h));
                case TIME -> time(b, h);
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
        if (extensionTypes != null) {
            applyTypes(b, extensionTypes, key, headers);
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

    /**
     * The time at its offset. A UTC time (nearly every record: Herald writes Z for it) is read as
     * an Instant, without building an OffsetDateTime on the consume path.
     */
    private static void time(Event.Builder b, Header h) {
        String text = text(h);
        try {
            if (text.endsWith("Z")) {
                b.time(Rfc3339.parse(text));
            } else {
                b.timeWithOffset(Rfc3339.parseWithOffset(text));
            }
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("header " + TIME + " '" + text + "' is not an RFC 3339 time", e);
        }
    }

    /**
     * Gives the extensions {@code types} names their types; their values are the ones decoded,
     * the key's for a partition key without a header. Only a record with typed extensions gets
     * here, so looking their headers up again costs the common record nothing.
     */
    private static void applyTypes(Event.Builder b, String types, byte[] key, Headers headers) {
        for (String entry : types.split(",", -1)) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new MalformedEventException("header " + EXTENSION_TYPES + " '" + types + "' is not name=type[,name=type...]");
            }
            String name = entry.substring(0, equals);
            ExtensionType type;
            try {
                type = ExtensionType.fromText(entry.substring(equals + 1));
            } catch (IllegalArgumentException e) {
                throw new MalformedEventException("header " + EXTENSION_TYPES + " types extension '" + name + "': " + e.getMessage());
            }
            Header value = headers.lastHeader(PREFIX + name);
            String text;
            if (value != null) {
                text = text(value);
            } else if (name.equals(Event.PARTITION_KEY) && key != null) {
                text = new String(key, StandardCharsets.UTF_8);
            } else {
                throw new MalformedEventException("header " + EXTENSION_TYPES + " types extension '" + name
                        + "', which the record does not carry");
            }
            b.extension(name, type, text);
        }
    }
}
