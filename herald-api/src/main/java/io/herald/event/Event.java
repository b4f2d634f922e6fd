package io.herald.event;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable CloudEvents 1.0 event: the required attributes {@code id}, {@code source},
 * {@code type} and {@code specversion}, the optional {@code time}, {@code subject},
 * {@code datacontenttype}, {@code dataschema} and {@code data}, and extensions, among them the
 * four Herald reads itself: {@code partitionkey}, {@code traceparent}, {@code correlationid} and
 * {@code causationid}.
 *
 * <p>Every instance has passed {@link EventValidation}: building an invalid event throws
 * {@link InvalidEventException} naming the attribute and the problem. Build one with
 * {@link #builder()} or {@link #of(String, String, String)}.
 *
 * <p>Extension values have a CloudEvents type ({@link ExtensionType}). {@link #extensions()} gives
 * every value as its canonical string, the type's string encoding (an integer in decimal, a
 * boolean as {@code true}/{@code false}, binary as base64), so code that reads strings reads any
 * of them; {@link #extensionType} and {@link #extensionValue} give the type and the typed value.
 * Most events have string extensions only; they carry no types at all ({@link #extensionTypes()}
 * is empty and costs nothing).
 *
 * <p>The {@code time} is kept as it was published: {@link #time()} is the instant, and
 * {@link #timeWithOffset()} the same instant at the offset its producer wrote
 * ({@code 2026-12-07T10:00:00.123456789+02:00} stays so through every codec); a time given as an
 * {@link Instant} is UTC. Two events at the same instant written at different offsets are not equal.
 */
public final class Event {

    public static final String SPEC_VERSION = "1.0";

    public static final String PARTITION_KEY = "partitionkey";
    public static final String TRACEPARENT = "traceparent";
    public static final String CORRELATION_ID = "correlationid";
    public static final String CAUSATION_ID = "causationid";

    public static final String APPLICATION_JSON = "application/json";

    /** The id as text; made from {@link #idHigh}/{@link #idLow} on first use when the id is a generated UUID. */
    private volatile String id;
    private final boolean uuidId;
    private final long idHigh;
    private final long idLow;
    private final String source;
    private final String type;
    private final Instant time;
    /** The offset {@link #time} was published at; null for UTC (nearly every event), or with no time. */
    private final ZoneOffset timeOffset;
    private final String subject;
    private final String dataContentType;
    private final String dataSchema;
    private final byte[] data;
    private final Map<String, String> extensions;
    /** The types of the extensions that are not strings; null when there are none, as for nearly every event. */
    private final Map<String, ExtensionType> extensionTypes;
    /** The partition key, looked up once: every publish and every KEY delivery asks for it. */
    private final String partitionKey;

    private Event(Builder b, boolean validate) {
        if (b.id != null) {
            this.id = b.id;
            this.uuidId = false;
            this.idHigh = 0;
            this.idLow = 0;
        } else {
            // a generated id stays two longs until someone asks for its text: the publish path
            // encodes the longs and never formats or parses a UUID string
            if (!b.hasUuid) {
                UUID u = EventIds.nextUuid();
                b.uuidHigh = u.getMostSignificantBits();
                b.uuidLow = u.getLeastSignificantBits();
                b.hasUuid = true;
            }
            this.uuidId = true;
            this.idHigh = b.uuidHigh;
            this.idLow = b.uuidLow;
        }
        this.source = b.source;
        this.type = b.type;
        this.time = b.time;
        this.timeOffset = b.time == null ? null : b.timeOffset;
        this.subject = b.subject;
        this.dataContentType = b.dataContentType;
        this.dataSchema = b.dataSchema;
        this.data = b.data;
        // the event takes the builder's map as it is; a builder used again copies it before it
        // changes it (most builders, a decoder's above all, build once: no copy per event)
        this.extensions = b.extensions == null ? Map.of() : Collections.unmodifiableMap(b.extensions);
        this.partitionKey = extensions.get(PARTITION_KEY);
        b.extensionsShared = b.extensions != null;
        if (b.extensionTypes == null || b.extensionTypes.isEmpty()) {
            this.extensionTypes = null;
        } else {
            this.extensionTypes = Collections.unmodifiableMap(b.extensionTypes);
            b.extensionTypesShared = true;
        }
        if (validate) {
            EventValidation.validate(this);
        }
    }

    /** A builder with a fresh time-ordered id and the current time; set at least type and source. */
    public static Builder builder() {
        return new Builder().time(Instant.now());
    }

    /** An event of the given type and source carrying a JSON document as data. */
    public static Event of(String type, String source, String json) {
        return builder().type(type).source(source).json(json).build();
    }

    public String id() {
        String text = id;
        if (text == null) {
            text = new UUID(idHigh, idLow).toString();
            id = text;
        }
        return text;
    }

    /** Whether the id is a UUID held as two longs (see {@link #idHigh()}), as generated ids are. */
    boolean hasUuidId() {
        return uuidId;
    }

    long idHigh() {
        return idHigh;
    }

    long idLow() {
        return idLow;
    }

    public String source() {
        return source;
    }

    public String type() {
        return type;
    }

    public String specVersion() {
        return SPEC_VERSION;
    }

    public Optional<Instant> time() {
        return Optional.ofNullable(time);
    }

    /**
     * The time as published: {@link #time()} at the offset its producer wrote, UTC when given as
     * an {@code Instant}. Throws {@link java.time.DateTimeException} for an instant beyond the
     * years ±999,999,999 that an {@code OffsetDateTime} holds (an {@code Instant} goes one year
     * further, and no RFC 3339 text names either).
     */
    public Optional<OffsetDateTime> timeWithOffset() {
        return time == null ? Optional.empty() : Optional.of(time.atOffset(timeOffset == null ? ZoneOffset.UTC : timeOffset));
    }

    /**
     * The offset of {@link #timeWithOffset()} without building it, for a codec that writes the
     * time as text on a hot path; empty when the event has no time.
     */
    public Optional<ZoneOffset> timeOffset() {
        return time == null ? Optional.empty() : Optional.of(timeOffset == null ? ZoneOffset.UTC : timeOffset);
    }

    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    public Optional<String> dataContentType() {
        return Optional.ofNullable(dataContentType);
    }

    public Optional<String> dataSchema() {
        return Optional.ofNullable(dataSchema);
    }

    public boolean hasData() {
        return data != null;
    }

    /** A copy of the data, or an empty array when the event has none. */
    public byte[] data() {
        return data == null ? new byte[0] : data.clone();
    }

    /** The data decoded as UTF-8, or an empty string when the event has none. */
    public String dataAsString() {
        return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    }

    public int dataLength() {
        return data == null ? 0 : data.length;
    }

    /** All extensions, in the order they were set; never null. */
    public Map<String, String> extensions() {
        return extensions;
    }

    /** The extension's canonical string, whatever its type. */
    public Optional<String> extension(String name) {
        return Optional.ofNullable(extensions.get(name));
    }

    /** The extension's type: {@link ExtensionType#STRING} for a string and for an extension the event does not have. */
    public ExtensionType extensionType(String name) {
        ExtensionType type = extensionTypes == null ? null : extensionTypes.get(name);
        return type == null ? ExtensionType.STRING : type;
    }

    /**
     * The extension's value as its type's Java value: String, Integer, Boolean, URI (for
     * {@code URI} and {@code URI_REF}), OffsetDateTime or byte[] (a new array each call).
     */
    public Optional<Object> extensionValue(String name) {
        String text = extensions.get(name);
        return text == null ? Optional.empty() : Optional.of(extensionType(name).parse(text));
    }

    /** The types of the extensions that are not strings, in the order they were set; empty for most events. */
    public Map<String, ExtensionType> extensionTypes() {
        return extensionTypes == null ? Map.of() : extensionTypes;
    }

    public Optional<String> partitionKey() {
        return Optional.ofNullable(partitionKey);
    }

    public Optional<String> traceparent() {
        return extension(TRACEPARENT);
    }

    public Optional<String> correlationId() {
        return extension(CORRELATION_ID);
    }

    public Optional<String> causationId() {
        return extension(CAUSATION_ID);
    }

    /** A builder holding this event's attributes, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        if (uuidId) {
            b.uuid(idHigh, idLow);
        } else {
            b.id = id;
        }
        b.source = source;
        b.type = type;
        b.time = time;
        b.timeOffset = timeOffset;
        b.subject = subject;
        b.dataContentType = dataContentType;
        b.dataSchema = dataSchema;
        b.data = data;
        if (!extensions.isEmpty()) {
            b.extensions = new LinkedHashMap<>(extensions);
        }
        if (extensionTypes != null) {
            b.extensionTypes = new LinkedHashMap<>(extensionTypes);
        }
        return b;
    }

    /** This event with the given partition key. */
    public Event withPartitionKey(String key) {
        return toBuilder().partitionKey(key).build();
    }

    // The codec reads the data without a copy; it never writes to it.
    byte[] rawData() {
        return data;
    }

    Instant rawInstant() {
        return time;
    }

    /** Null for UTC. */
    ZoneOffset rawTimeOffset() {
        return timeOffset;
    }

    /** Null when every extension is a string: the hot paths test this, not an empty map. */
    Map<String, ExtensionType> rawExtensionTypes() {
        return extensionTypes;
    }

    String rawSubject() {
        return subject;
    }

    String rawDataContentType() {
        return dataContentType;
    }

    String rawDataSchema() {
        return dataSchema;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e
                && id().equals(e.id())
                && source.equals(e.source)
                && type.equals(e.type)
                && Objects.equals(time, e.time)
                && Objects.equals(timeOffset, e.timeOffset)
                && Objects.equals(subject, e.subject)
                && Objects.equals(dataContentType, e.dataContentType)
                && Objects.equals(dataSchema, e.dataSchema)
                && Arrays.equals(data, e.data)
                && extensions.equals(e.extensions)
                && Objects.equals(extensionTypes, e.extensionTypes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id(), source, type);
    }

    @Override
    public String toString() {
        return "Event{id=" + id() + ", source=" + source + ", type=" + type
                + (time != null ? ", time=" + (timeOffset == null ? time : time.atOffset(timeOffset)) : "")
                + (subject != null ? ", subject=" + subject : "")
                + (extensions.isEmpty() ? "" : ", extensions=" + extensions)
                + (extensionTypes == null ? "" : ", extensionTypes=" + extensionTypes)
                + ", data=" + dataLength() + " bytes}";
    }

    /** Collects attributes; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private String id;
        private boolean hasUuid;
        private long uuidHigh;
        private long uuidLow;
        private String source;
        private String type;
        private Instant time;
        private ZoneOffset timeOffset;
        private String subject;
        private String dataContentType;
        private String dataSchema;
        private byte[] data;
        private Map<String, String> extensions;
        /** Whether a built event holds {@link #extensions}: copy it before changing it. */
        private boolean extensionsShared;
        /** The types of non-string extensions; null until one is set. */
        private Map<String, ExtensionType> extensionTypes;
        /** Whether a built event holds {@link #extensionTypes}: copy it before changing it. */
        private boolean extensionTypesShared;

        Builder() {
        }

        /** The id; when never set, {@link #build()} assigns a time-ordered UUID (version 7). */
        public Builder id(String id) {
            this.id = id;
            this.hasUuid = false;
            return this;
        }

        // For the codec and toBuilder: a UUID id as its two longs.
        Builder uuid(long high, long low) {
            this.id = null;
            this.hasUuid = true;
            this.uuidHigh = high;
            this.uuidLow = low;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        /** The occurrence time, in UTC; {@code null} leaves the optional attribute out. */
        public Builder time(Instant time) {
            this.time = time;
            this.timeOffset = null;
            return this;
        }

        /**
         * The occurrence time at the offset it is to be published with; {@code null} leaves the
         * attribute out. Not an overload of {@link #time(Instant)}: {@code time(null)}, which
         * callers write, would no longer compile.
         */
        public Builder timeWithOffset(OffsetDateTime time) {
            return time == null ? time((Instant) null) : time(time.toInstant(), time.getOffset());
        }

        // For codecs: the instant and its offset without an OffsetDateTime between them.
        Builder time(Instant time, ZoneOffset offset) {
            this.time = time;
            this.timeOffset = offset == null || offset.getTotalSeconds() == 0 ? null : offset;
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Builder dataContentType(String dataContentType) {
            this.dataContentType = dataContentType;
            return this;
        }

        public Builder dataSchema(String dataSchema) {
            this.dataSchema = dataSchema;
            return this;
        }

        /** The data as bytes (copied). */
        public Builder data(byte[] data) {
            this.data = data == null ? null : data.clone();
            return this;
        }

        /** The data as UTF-8 text; the content type is left as it is. */
        public Builder data(String text) {
            this.data = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** A JSON document as data, with {@code datacontenttype} {@value #APPLICATION_JSON}. */
        public Builder json(String json) {
            data(json);
            this.dataContentType = APPLICATION_JSON;
            return this;
        }

        public Builder partitionKey(String key) {
            return extension(PARTITION_KEY, key);
        }

        public Builder traceparent(String traceparent) {
            return extension(TRACEPARENT, traceparent);
        }

        public Builder correlationId(String correlationId) {
            return extension(CORRELATION_ID, correlationId);
        }

        public Builder causationId(String causationId) {
            return extension(CAUSATION_ID, causationId);
        }

        /** A string extension attribute; a {@code null} value removes it. */
        public Builder extension(String name, String value) {
            return extension(name, ExtensionType.STRING, value);
        }

        /** An {@code Integer} extension attribute (a JSON number in CloudEvents JSON). */
        public Builder extension(String name, int value) {
            return extension(name, ExtensionType.INTEGER, Integer.toString(value));
        }

        /** A {@code Boolean} extension attribute (a JSON boolean in CloudEvents JSON). */
        public Builder extension(String name, boolean value) {
            return extension(name, ExtensionType.BOOLEAN, value ? "true" : "false");
        }

        /**
         * A {@code URI} extension attribute when the URI is absolute, else a {@code URI-reference};
         * {@code null} removes it. Not an overload of {@link #extension(String, String)}, nor are
         * the two below: {@code extension(name, null)}, which callers write, would no longer compile.
         */
        public Builder uriExtension(String name, URI value) {
            return extension(name, value == null ? ExtensionType.STRING : value.isAbsolute() ? ExtensionType.URI : ExtensionType.URI_REF,
                    value == null ? null : value.toString());
        }

        /** A {@code Timestamp} extension attribute, written in RFC 3339 at its offset; {@code null} removes it. */
        public Builder timestampExtension(String name, OffsetDateTime value) {
            return extension(name, ExtensionType.TIMESTAMP, value == null ? null : Rfc3339.format(value));
        }

        /** A {@code Binary} extension attribute, held as base64; {@code null} removes it. */
        public Builder binaryExtension(String name, byte[] value) {
            return extension(name, ExtensionType.BINARY, value == null ? null : Base64.getEncoder().encodeToString(value));
        }

        /**
         * An extension attribute of the given type as its canonical string (see {@link ExtensionType}),
         * for codecs that carry the type beside the text; {@link #build()} checks that the text is
         * one of the type. A {@code null} value removes it.
         */
        public Builder extension(String name, ExtensionType type, String canonicalValue) {
            Objects.requireNonNull(type, "type");
            if (extensionsShared) {
                extensions = new LinkedHashMap<>(extensions);
                extensionsShared = false;
            }
            if (canonicalValue == null) {
                if (extensions != null) {
                    extensions.remove(name);
                }
                setType(name, ExtensionType.STRING);
                return this;
            }
            if (extensions == null) {
                extensions = new LinkedHashMap<>(4);
            }
            extensions.put(name, canonicalValue);
            setType(name, type);
            return this;
        }

        /** Records a non-string type; a string one only clears a type set before, so string extensions never make the map. */
        private void setType(String name, ExtensionType type) {
            if (type == ExtensionType.STRING && (extensionTypes == null || !extensionTypes.containsKey(name))) {
                return;
            }
            if (extensionTypesShared || extensionTypes == null) {
                extensionTypes = extensionTypes == null ? new LinkedHashMap<>(4) : new LinkedHashMap<>(extensionTypes);
                extensionTypesShared = false;
            }
            if (type == ExtensionType.STRING) {
                extensionTypes.remove(name);
            } else {
                extensionTypes.put(name, type);
            }
        }

        /**
         * The data as this very array, not a copy: for a codec that decoded it into an array
         * nothing else holds (a Kafka consumer's record value), where the copy of {@link #data(byte[])}
         * would be one more allocation and copy per consumed event. The caller gives the array
         * away: it must not write to it afterwards, or the event would change.
         */
        public Builder dataWithoutCopy(byte[] data) {
            this.data = data;
            return this;
        }

        /** The event; throws {@link InvalidEventException} naming the first invalid attribute. */
        public Event build() {
            return new Event(this, true);
        }

        // For the codec: the bytes were validated when the event was built and are CRC-protected since.
        Event buildValidated() {
            return new Event(this, false);
        }
    }
}
