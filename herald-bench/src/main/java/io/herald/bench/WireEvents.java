package io.herald.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The events of {@link ServerBench} in their wire forms: each has a unique {@code id} (the server
 * drops an event whose source and id it stored within its duplicate window, so ids never repeat
 * within a bench run), {@code type}, {@code source}, {@code datacontenttype: application/json}, an
 * optional {@code partitionkey}, and exactly {@value #DATA_BYTES} bytes of JSON data that carry the
 * {@code System.nanoTime()} at which the event was due to be published (for latencies measured
 * from the intended time) at a fixed place:
 * <pre>{"due":"0000000000000001234","pad":"xxxx...x"}</pre>
 * (a string: JSON numbers have no leading zeros).
 * The structured form ({@code application/cloudevents+json}) is also what the Kafka side sends as
 * the record value, so both systems move the same bytes per event. Thread-safe.
 */
final class WireEvents {

    static final int DATA_BYTES = 100;
    static final String TYPE = "bench.event";
    static final String SOURCE = "/herald-bench";
    private static final byte[] DUE_MARK = "{\"due\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int DUE_DIGITS = 19;
    private static final byte[] PAD;
    private static final byte[] HEAD = ("{\"specversion\":\"1.0\",\"type\":\"" + TYPE + "\",\"source\":\"" + SOURCE
            + "\",\"datacontenttype\":\"application/json\",\"id\":\"").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_MEMBER = ",\"partitionkey\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_MEMBER = ",\"data\":".getBytes(StandardCharsets.US_ASCII);

    static {
        String tail = "\",\"pad\":\"\"}";
        PAD = new byte[DATA_BYTES - DUE_MARK.length - DUE_DIGITS - tail.length()];
        Arrays.fill(PAD, (byte) 'x');
    }

    private final String idPrefix;
    private final AtomicLong sequence = new AtomicLong();

    /** {@code idPrefix} must be unique to the run (ids must not repeat within the server's duplicate window). */
    WireEvents(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    /** A fresh id. */
    String nextId() {
        return idPrefix + "-" + sequence.incrementAndGet();
    }

    /** The data: {@value #DATA_BYTES} bytes of JSON carrying {@code due}. */
    static byte[] data(long due) {
        byte[] data = new byte[DATA_BYTES];
        int p = 0;
        System.arraycopy(DUE_MARK, 0, data, p, DUE_MARK.length);
        p += DUE_MARK.length;
        p = digits(data, p, Math.max(0, due));
        for (byte b : "\",\"pad\":\"".getBytes(StandardCharsets.US_ASCII)) {
            data[p++] = b;
        }
        System.arraycopy(PAD, 0, data, p, PAD.length);
        p += PAD.length;
        data[p++] = '"';
        data[p++] = '}';
        if (p != DATA_BYTES) {
            throw new AssertionError("data is " + p + " bytes");
        }
        return data;
    }

    /** The structured-mode JSON of an event; {@code key} may be null. ASCII ids and keys only. */
    static byte[] structured(String id, String key, long due) {
        int size = HEAD.length + id.length() + 1 + (key == null ? 0 : KEY_MEMBER.length + key.length() + 1)
                + DATA_MEMBER.length + DATA_BYTES + 1;
        byte[] out = new byte[size];
        int p = put(out, 0, HEAD);
        p = putAscii(out, p, id);
        out[p++] = '"';
        if (key != null) {
            p = put(out, p, KEY_MEMBER);
            p = putAscii(out, p, key);
            out[p++] = '"';
        }
        p = put(out, p, DATA_MEMBER);
        p = put(out, p, data(due));
        out[p++] = '}';
        if (p != size) {
            throw new AssertionError("event is " + p + " bytes, expected " + size);
        }
        return out;
    }

    private static int put(byte[] out, int p, byte[] bytes) {
        System.arraycopy(bytes, 0, out, p, bytes.length);
        return p + bytes.length;
    }

    private static int putAscii(byte[] out, int p, String text) {
        for (int i = 0; i < text.length(); i++) {
            out[p++] = (byte) text.charAt(i);
        }
        return p;
    }

    /** A batch-mode body ({@code application/cloudevents-batch+json}) of events given in structured form. */
    static byte[] batch(byte[][] events) {
        int size = 2 + Math.max(0, events.length - 1);
        for (byte[] e : events) {
            size += e.length;
        }
        byte[] body = new byte[size];
        int p = 0;
        body[p++] = '[';
        for (int i = 0; i < events.length; i++) {
            if (i > 0) {
                body[p++] = ',';
            }
            System.arraycopy(events[i], 0, body, p, events[i].length);
            p += events[i].length;
        }
        body[p] = ']';
        return body;
    }

    /**
     * The due time of the first event data found in {@code bytes[from, to)} (a record value, an SSE
     * line, a request body), or -1 if there is none.
     */
    static long due(byte[] bytes, int from, int to) {
        int at = indexOf(bytes, from, to, DUE_MARK);
        if (at < 0 || at + DUE_MARK.length + DUE_DIGITS > to) {
            return -1;
        }
        long due = 0;
        for (int i = at + DUE_MARK.length, end = i + DUE_DIGITS; i < end; i++) {
            due = due * 10 + (bytes[i] - '0');
        }
        return due;
    }

    /** The due time in a line of text (an SSE {@code data:} line), or -1. */
    static long due(String text) {
        int at = text.indexOf("{\"due\":\"");
        if (at < 0 || at + DUE_MARK.length + DUE_DIGITS > text.length()) {
            return -1;
        }
        long due = 0;
        for (int i = at + DUE_MARK.length, end = i + DUE_DIGITS; i < end; i++) {
            due = due * 10 + (text.charAt(i) - '0');
        }
        return due;
    }

    private static int digits(byte[] out, int p, long value) {
        long v = value;
        for (int i = DUE_DIGITS - 1; i >= 0; i--) {
            out[p + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + DUE_DIGITS;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
