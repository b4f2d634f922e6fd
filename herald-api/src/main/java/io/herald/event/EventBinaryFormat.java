package io.herald.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The compact binary form of an {@link Event}, used wherever Herald stores events (the embedded
 * log, outbox rows). CloudEvents JSON is for the edges; this is for disk.
 *
 * <pre>
 * byte     format version                  = 1
 * byte     flags                           bit 0 id is a lower-case canonical UUID
 *                                          bit 1 time, 2 subject, 3 datacontenttype,
 *                                          4 dataschema, 5 extensions, 6 data present
 *                                          bit 7 extended flags follow
 * [byte    extended flags]                         if bit 7; never 0:
 *                                          bit 0 extension types present (needs bit 5 above)
 *                                          bit 1 time offset present (needs bit 1 above)
 * id       16 bytes (UUID msb, lsb) if bit 0, else string
 * string   source
 * string   type
 * [varlong epoch second (zig-zag), varint nano]   if bit 1
 * [varint  offset seconds (zig-zag), not 0, within ±18 h]  if extended bit 1
 * [string  subject]                               if bit 2
 * [string  datacontenttype]                       if bit 3
 * [string  dataschema]                            if bit 4
 * [varint  count, count x (string name, string value)]  if bit 5, no extended bit 0
 * [varint  count, count x (string name, byte type, string value)]  if bit 5 and extended bit 0,
 *                                          type 0 string, 1 integer, 2 boolean, 3 uri,
 *                                          4 uri-reference, 5 timestamp, 6 binary; the
 *                                          value is the type's canonical string ({@link ExtensionType}),
 *                                          and at least one type is not 0
 * [varint  length, length bytes of data]          if bit 6
 *
 * string = varint byte length, UTF-8 bytes; varint = unsigned LEB128
 * </pre>
 *
 * The version byte lets a reader refuse a layout it does not know rather than misread it. The
 * extended flags carry what version 1 first lacked (extension types, the time's offset) without
 * a new version: an event that needs none of it is written byte for byte as before, so a file
 * written by an earlier build reads the same and an earlier reader still reads every such event;
 * one that needs it sets flag bit 7, which an earlier reader refuses as an unknown flag instead
 * of misreading the event. Readers and writers share this class; it is stateless and thread-safe.
 */
public final class EventBinaryFormat {

    public static final byte VERSION = 1;

    private static final int ID_IS_UUID = 1;
    private static final int HAS_TIME = 1 << 1;
    private static final int HAS_SUBJECT = 1 << 2;
    private static final int HAS_CONTENT_TYPE = 1 << 3;
    private static final int HAS_SCHEMA = 1 << 4;
    private static final int HAS_EXTENSIONS = 1 << 5;
    private static final int HAS_DATA = 1 << 6;
    /** Every bit of the flags byte now has a meaning: new ones go into the extended flags. */
    private static final int HAS_EXTENDED_FLAGS = 1 << 7;

    // extended flags, the byte after the flags when HAS_EXTENDED_FLAGS is set
    private static final int HAS_EXTENSION_TYPES = 1;
    private static final int HAS_TIME_OFFSET = 1 << 1;
    private static final int KNOWN_EXTENDED_FLAGS = HAS_EXTENSION_TYPES | HAS_TIME_OFFSET;

    /** The extension types by their code on disk; explicit, so that reordering the enum cannot change the format. */
    private static final ExtensionType[] TYPE_BY_CODE = {ExtensionType.STRING, ExtensionType.INTEGER, ExtensionType.BOOLEAN,
        ExtensionType.URI, ExtensionType.URI_REF, ExtensionType.TIMESTAMP, ExtensionType.BINARY};
    private static final int MAX_OFFSET_SECONDS = 18 * 3600;
    private static final long MIN_LOCAL_SECOND = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_LOCAL_SECOND = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);

    private EventBinaryFormat() {
    }

    /** The event's encoded form in a new array. */
    public static byte[] encode(Event event) {
        byte[] buffer = new byte[maxEncodedSize(event)];
        int end = encode(event, buffer, 0);
        return end == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, end);
    }

    /**
     * An upper bound of the encoded size, cheap to compute: the caller sizes a buffer with it
     * before {@link #encode(Event, byte[], int)}.
     */
    public static int maxEncodedSize(Event event) {
        int size = 3 + 5 + 36 * 3;
        size += (event.hasUuidId() ? 16 : stringBound(event.id())) + stringBound(event.source()) + stringBound(event.type());
        size += 10 + 5 + 5;
        size += stringBound(event.rawSubject()) + stringBound(event.rawDataContentType()) + stringBound(event.rawDataSchema());
        if (!event.extensions().isEmpty()) {
            size += 5;
            for (var e : event.extensions().entrySet()) {
                size += stringBound(e.getKey()) + 1 + stringBound(e.getValue());
            }
        }
        size += 5 + event.dataLength();
        return size;
    }

    private static int stringBound(String s) {
        return s == null ? 0 : 5 + s.length() * 3;
    }

    /**
     * Writes the event at {@code offset}; the array must have {@link #maxEncodedSize(Event)} bytes
     * free there. Returns the offset after the last byte written.
     */
    public static int encode(Event event, byte[] dst, int offset) {
        int p = offset;
        boolean uuid = event.hasUuidId() || isCanonicalUuid(event.id());
        Instant time = event.rawInstant();
        String subject = event.rawSubject();
        String contentType = event.rawDataContentType();
        String schema = event.rawDataSchema();
        byte[] data = event.rawData();
        ZoneOffset timeOffset = event.rawTimeOffset();
        boolean typed = event.rawExtensionTypes() != null;
        int extendedFlags = (timeOffset != null ? HAS_TIME_OFFSET : 0) | (typed ? HAS_EXTENSION_TYPES : 0);
        int flags = (uuid ? ID_IS_UUID : 0)
                | (time != null ? HAS_TIME : 0)
                | (subject != null ? HAS_SUBJECT : 0)
                | (contentType != null ? HAS_CONTENT_TYPE : 0)
                | (schema != null ? HAS_SCHEMA : 0)
                | (!event.extensions().isEmpty() ? HAS_EXTENSIONS : 0)
                | (data != null ? HAS_DATA : 0)
                | (extendedFlags != 0 ? HAS_EXTENDED_FLAGS : 0);
        dst[p++] = VERSION;
        dst[p++] = (byte) flags;
        if (extendedFlags != 0) {
            dst[p++] = (byte) extendedFlags;
        }
        if (event.hasUuidId()) {
            p = putLong(dst, p, event.idHigh());
            p = putLong(dst, p, event.idLow());
        } else if (uuid) {
            UUID u = UUID.fromString(event.id());
            p = putLong(dst, p, u.getMostSignificantBits());
            p = putLong(dst, p, u.getLeastSignificantBits());
        } else {
            p = putString(dst, p, event.id());
        }
        p = putString(dst, p, event.source());
        p = putString(dst, p, event.type());
        if (time != null) {
            p = putVarLong(dst, p, zigZag(time.getEpochSecond()));
            p = putVarLong(dst, p, time.getNano());
            if (timeOffset != null) {
                p = putVarLong(dst, p, zigZag(timeOffset.getTotalSeconds()));
            }
        }
        if (subject != null) {
            p = putString(dst, p, subject);
        }
        if (contentType != null) {
            p = putString(dst, p, contentType);
        }
        if (schema != null) {
            p = putString(dst, p, schema);
        }
        if (!event.extensions().isEmpty()) {
            p = putVarLong(dst, p, event.extensions().size());
            for (var e : event.extensions().entrySet()) {
                p = putString(dst, p, e.getKey());
                if (typed) {
                    dst[p++] = typeCode(event.extensionType(e.getKey()));
                }
                p = putString(dst, p, e.getValue());
            }
        }
        if (data != null) {
            p = putVarLong(dst, p, data.length);
            System.arraycopy(data, 0, dst, p, data.length);
            p += data.length;
        }
        return p;
    }

    /** Decodes one event from {@code length} bytes at {@code offset}. */
    public static Event decode(byte[] src, int offset, int length) {
        Reader r = new Reader(src, offset, offset + length);
        byte version = r.readByte();
        if (version != VERSION) {
            throw new MalformedEventException("unknown event format version " + version + " (this reader knows " + VERSION + ")");
        }
        int flags = r.readByte() & 0xFF;
        int extendedFlags = (flags & HAS_EXTENDED_FLAGS) != 0 ? readExtendedFlags(r, flags) : 0;
        Event.Builder b = new Event.Builder();
        if ((flags & ID_IS_UUID) != 0) {
            b.uuid(r.readLong(), r.readLong());
        } else {
            b.id(r.readString());
        }
        b.source(r.readName());
        b.type(r.readName());
        if ((flags & HAS_TIME) != 0) {
            long second = unZigZag(r.readVarLong());
            long nano = r.readVarLong();
            if (nano < 0 || nano > 999_999_999 || second < Instant.MIN.getEpochSecond() || second > Instant.MAX.getEpochSecond()) {
                throw new MalformedEventException("time " + second + "s + " + nano + "ns is not a valid instant");
            }
            ZoneOffset timeOffset = null;
            if ((extendedFlags & HAS_TIME_OFFSET) != 0) {
                timeOffset = readOffset(r);
                long localSecond = second + timeOffset.getTotalSeconds();
                if (localSecond < MIN_LOCAL_SECOND || localSecond > MAX_LOCAL_SECOND) {
                    // only an OffsetDateTime gives an offset, and none lies beyond its years
                    throw new MalformedEventException("time " + second + "s at offset " + timeOffset
                            + " is beyond the years an OffsetDateTime holds");
                }
            }
            b.time(Instant.ofEpochSecond(second, nano), timeOffset);
        }
        if ((flags & HAS_SUBJECT) != 0) {
            b.subject(r.readString());
        }
        if ((flags & HAS_CONTENT_TYPE) != 0) {
            b.dataContentType(r.readName());
        }
        if ((flags & HAS_SCHEMA) != 0) {
            b.dataSchema(r.readName());
        }
        if ((flags & HAS_EXTENSIONS) != 0) {
            int count = r.readLength();
            if ((extendedFlags & HAS_EXTENSION_TYPES) != 0) {
                readTypedExtensions(r, count, b);
            } else {
                for (int i = 0; i < count; i++) {
                    b.extension(r.readName(), r.readString());
                }
            }
        }
        if ((flags & HAS_DATA) != 0) {
            b.dataWithoutCopy(r.readBytes(r.readLength()));
        }
        if (r.position != r.end) {
            throw new MalformedEventException((r.end - r.position) + " trailing bytes after the event");
        }
        return b.buildValidated();
    }

    private static int readExtendedFlags(Reader r, int flags) {
        int extendedFlags = r.readByte() & 0xFF;
        if ((extendedFlags & ~KNOWN_EXTENDED_FLAGS) != 0) {
            throw new MalformedEventException(String.format("unknown extended flag bits %02x in a version %d event",
                    extendedFlags & ~KNOWN_EXTENDED_FLAGS, VERSION));
        }
        // a writer sets flag bit 7 only for something to say: one encoding per event
        if (extendedFlags == 0) {
            throw new MalformedEventException("flag bit 7 is set but the extended flags are empty");
        }
        if ((extendedFlags & HAS_EXTENSION_TYPES) != 0 && (flags & HAS_EXTENSIONS) == 0) {
            throw new MalformedEventException("the extended flags give extension types but the event has no extensions");
        }
        if ((extendedFlags & HAS_TIME_OFFSET) != 0 && (flags & HAS_TIME) == 0) {
            throw new MalformedEventException("the extended flags give a time offset but the event has no time");
        }
        return extendedFlags;
    }

    /**
     * Typed extensions, each value checked against its type: the decoder skips the builder's
     * validation, and a value that is not of its type would fail later, in extensionValue.
     */
    private static void readTypedExtensions(Reader r, int count, Event.Builder b) {
        boolean anyTyped = false;
        for (int i = 0; i < count; i++) {
            String name = r.readName();
            int code = r.readByte() & 0xFF;
            if (code >= TYPE_BY_CODE.length) {
                throw new MalformedEventException("extension '" + name + "' has the unknown type code " + code);
            }
            ExtensionType type = TYPE_BY_CODE[code];
            String value = r.readString();
            if (type != ExtensionType.STRING) {
                anyTyped = true;
                try {
                    type.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new MalformedEventException("extension '" + name + "' is typed " + type.text() + " but '" + value + "' "
                            + e.getMessage());
                }
            }
            b.extension(name, type, value);
        }
        if (!anyTyped) {
            // a writer gives types only when one is not a string: one encoding per event
            throw new MalformedEventException("the extended flags give extension types but every extension is a string");
        }
    }

    private static byte typeCode(ExtensionType type) {
        return switch (type) {
            case STRING -> 0;
            case INTEGER -> 1;
            case BOOLEAN -> 2;
            case URI -> 3;
            case URI_REF -> 4;
            case TIMESTAMP -> 5;
            case BINARY -> 6;
        };
    }

    private static ZoneOffset readOffset(Reader r) {
        long seconds = unZigZag(r.readVarLong());
        if (seconds == 0 || seconds < -MAX_OFFSET_SECONDS || seconds > MAX_OFFSET_SECONDS) {
            // 0 is UTC, which is written without an offset
            throw new MalformedEventException("time offset " + seconds + "s is not a non-UTC offset within ±18 h");
        }
        return ZoneOffset.ofTotalSeconds((int) seconds);
    }

    static boolean isCanonicalUuid(String id) {
        if (id.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static int putLong(byte[] dst, int p, long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            dst[p++] = (byte) (v >>> shift);
        }
        return p;
    }

    private static int putString(byte[] dst, int p, String s) {
        int length = s.length();
        if (length < 128 && isAscii(s)) {
            // the common case (types, sources, keys): one length byte, then the chars as bytes
            dst[p++] = (byte) length;
            for (int i = 0; i < length; i++) {
                dst[p++] = (byte) s.charAt(i);
            }
            return p;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        p = putVarLong(dst, p, bytes.length);
        System.arraycopy(bytes, 0, dst, p, bytes.length);
        return p + bytes.length;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static int putVarLong(byte[] dst, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            dst[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        dst[p++] = (byte) v;
        return p;
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** Bounds-checked cursor: a truncated or garbled record fails with a message, never reads past its end. */
    private static final class Reader {
        private final byte[] src;
        private final int end;
        private int position;

        private final int start;

        Reader(byte[] src, int offset, int end) {
            if (offset < 0 || end > src.length || offset > end) {
                throw new MalformedEventException("record bounds [" + offset + ", " + end + ") outside a buffer of " + src.length);
            }
            this.src = src;
            this.start = offset;
            this.position = offset;
            this.end = end;
        }

        byte readByte() {
            need(1);
            return src[position++];
        }

        long readLong() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (src[position++] & 0xFF);
            }
            return v;
        }

        long readVarLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = readByte();
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new MalformedEventException("varint longer than 10 bytes at byte " + position);
        }

        int readLength() {
            long v = readVarLong();
            if (v < 0 || v > end - position) {
                throw new MalformedEventException("length " + v + " exceeds the " + (end - position) + " bytes left");
            }
            return (int) v;
        }

        String readString() {
            int length = readLength();
            String s = new String(src, position, length, StandardCharsets.UTF_8);
            position += length;
            return s;
        }

        /** A string that repeats across events (a source, a type, a name): see {@link RepeatedStrings}. */
        String readName() {
            int length = readLength();
            String s = RepeatedStrings.decode(src, position, length);
            position += length;
            return s;
        }

        byte[] readBytes(int length) {
            byte[] bytes = java.util.Arrays.copyOfRange(src, position, position + length);
            position += length;
            return bytes;
        }

        private void need(int n) {
            if (end - position < n) {
                throw new MalformedEventException("record ends after " + (position - start) + " bytes, needed " + n + " more");
            }
        }
    }
}
