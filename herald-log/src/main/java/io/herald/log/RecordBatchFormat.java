package io.herald.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The layout of a record batch, the unit the log writes, checks and recovers. Shared by the
 * writer ({@link LogSegment#append}), the reader ({@link LogFetch}) and recovery
 * ({@link SegmentRecovery}). All integers are big-endian.
 *
 * <pre>
 * offset  size  field
 *   0      4    length        bytes that follow this field
 *   4      4    crc32c        of bytes [8, 4 + length)
 *   8      1    magic         format version, = 1
 *   9      1    attributes    0; reserved (compression)
 *  10      8    base offset   offset of the first record
 *  18      4    record count  >= 1
 *  22      8    append time   epoch milliseconds
 *  30      ...  records       count x (varint size, size bytes of value)
 *
 * varint = unsigned LEB128
 * </pre>
 *
 * Every record of a batch has offset {@code baseOffset + i} and the batch's append time; append
 * times never decrease within a partition, which makes the time index a sorted array. The magic
 * byte is the format version: a reader refuses a version it does not know instead of guessing.
 * The CRC covers everything after itself, so a torn write, a flipped bit or a stale tail fails
 * the check; the length is outside the CRC, but a wrong length moves the range the CRC covers and
 * fails it too.
 */
public final class RecordBatchFormat {

    public static final byte MAGIC = 1;

    public static final int LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = 4;
    public static final int MAGIC_OFFSET = 8;
    public static final int ATTRIBUTES_OFFSET = 9;
    public static final int BASE_OFFSET_OFFSET = 10;
    public static final int RECORD_COUNT_OFFSET = 18;
    public static final int APPEND_TIME_OFFSET = 22;
    public static final int HEADER_SIZE = 30;

    /** Bytes of the header that the length field counts (all but the length itself). */
    public static final int LENGTH_FIELD_SIZE = 4;

    /** No batch is larger; a length field above this is garbage, not a batch. */
    public static final int MAX_BATCH_SIZE = 1 << 30;

    private RecordBatchFormat() {
    }

    /** Fills in the header of a batch whose records already sit at {@code [start + HEADER_SIZE, end)}, then its CRC. */
    public static void writeHeader(ByteBuffer buf, int start, int end, long baseOffset, int recordCount, long appendTime) {
        buf.putInt(start + LENGTH_OFFSET, end - start - LENGTH_FIELD_SIZE);
        buf.put(start + MAGIC_OFFSET, MAGIC);
        buf.put(start + ATTRIBUTES_OFFSET, (byte) 0);
        buf.putLong(start + BASE_OFFSET_OFFSET, baseOffset);
        buf.putInt(start + RECORD_COUNT_OFFSET, recordCount);
        buf.putLong(start + APPEND_TIME_OFFSET, appendTime);
        buf.putInt(start + CRC_OFFSET, crc(buf, start + MAGIC_OFFSET, end));
    }

    /** The CRC32C of {@code buf[from, to)}, leaving the buffer's position and limit as they were. */
    public static int crc(ByteBuffer buf, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }

    public static int totalSize(ByteBuffer buf, int start) {
        return buf.getInt(start + LENGTH_OFFSET) + LENGTH_FIELD_SIZE;
    }

    public static long baseOffset(ByteBuffer buf, int start) {
        return buf.getLong(start + BASE_OFFSET_OFFSET);
    }

    public static int recordCount(ByteBuffer buf, int start) {
        return buf.getInt(start + RECORD_COUNT_OFFSET);
    }

    public static long appendTime(ByteBuffer buf, int start) {
        return buf.getLong(start + APPEND_TIME_OFFSET);
    }

    /**
     * Checks the batch at {@code start}, of which {@code available} bytes are in the buffer, and
     * returns its total size; or describes why it is not a valid batch. A batch that is cut short
     * ({@code available} below its length) is reported as torn.
     */
    public static Check check(ByteBuffer buf, int start, int available, long expectedBaseOffset) {
        if (available < HEADER_SIZE) {
            return Check.invalid("torn batch: " + available + " bytes left, a header needs " + HEADER_SIZE);
        }
        int length = buf.getInt(start + LENGTH_OFFSET);
        if (length < HEADER_SIZE - LENGTH_FIELD_SIZE || length > MAX_BATCH_SIZE) {
            return Check.invalid("batch length " + length + " is out of range");
        }
        int total = length + LENGTH_FIELD_SIZE;
        if (available < total) {
            return Check.invalid("torn batch: length " + total + " but only " + available + " bytes left");
        }
        int stored = buf.getInt(start + CRC_OFFSET);
        int actual = crc(buf, start + MAGIC_OFFSET, start + total);
        if (stored != actual) {
            return Check.invalid(String.format("crc mismatch: stored %08x, computed %08x", stored, actual));
        }
        byte magic = buf.get(start + MAGIC_OFFSET);
        if (magic != MAGIC) {
            return Check.invalid("unknown batch format version " + magic + " (this reader knows " + MAGIC + ")");
        }
        long base = baseOffset(buf, start);
        if (expectedBaseOffset >= 0 && base != expectedBaseOffset) {
            return Check.invalid("base offset " + base + " where " + expectedBaseOffset + " was expected");
        }
        int count = recordCount(buf, start);
        if (count < 1) {
            return Check.invalid("record count " + count);
        }
        if (!recordsFill(buf, start + HEADER_SIZE, start + total, count)) {
            return Check.invalid("the " + count + " records do not fill the batch exactly");
        }
        return new Check(total, null);
    }

    private static boolean recordsFill(ByteBuffer buf, int from, int to, int count) {
        int p = from;
        for (int i = 0; i < count; i++) {
            long size = 0;
            int shift = 0;
            byte b;
            do {
                if (p >= to || shift > 28) {
                    return false;
                }
                b = buf.get(p++);
                size |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            p += (int) Math.min(size, Integer.MAX_VALUE);
            if (p > to || p < 0) {
                return false;
            }
        }
        return p == to;
    }

    /** Appends a varint to {@code dst} at {@code p}; returns the position after it. */
    public static int putVarInt(byte[] dst, int p, int value) {
        while ((value & ~0x7F) != 0) {
            dst[p++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        dst[p++] = (byte) value;
        return p;
    }

    public static int varIntSize(int value) {
        int size = 1;
        while ((value & ~0x7F) != 0) {
            size++;
            value >>>= 7;
        }
        return size;
    }

    /** The outcome of {@link #check}: the batch's size, or why it is invalid. */
    public record Check(int size, String problem) {
        static Check invalid(String problem) {
            return new Check(-1, problem);
        }

        public boolean valid() {
            return problem == null;
        }
    }
}
