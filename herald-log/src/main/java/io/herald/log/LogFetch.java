package io.herald.log;

import java.nio.ByteBuffer;

/**
 * Whole, checked batches read from a log, of which the records at or after {@link #fromOffset()}
 * are wanted (a read starts at an index entry, which may be a few batches early). Immutable.
 */
public final class LogFetch {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final ByteBuffer batches;
    private final long fromOffset;
    private final long nextOffset;
    /** Where the batch after these starts: the base offset of its segment and its byte position there (or -1, unknown). */
    private final long segmentBase;
    private final int nextPosition;

    LogFetch(ByteBuffer batches, long fromOffset, long nextOffset, long segmentBase, int nextPosition) {
        this.batches = batches;
        this.fromOffset = fromOffset;
        this.nextOffset = nextOffset;
        this.segmentBase = segmentBase;
        this.nextPosition = nextPosition;
    }

    LogFetch(ByteBuffer batches, long fromOffset, long nextOffset) {
        this(batches, fromOffset, nextOffset, -1, -1);
    }

    static LogFetch empty(long offset) {
        return new LogFetch(NOTHING, offset, offset);
    }

    long segmentBase() {
        return segmentBase;
    }

    int nextPosition() {
        return nextPosition;
    }

    public long fromOffset() {
        return fromOffset;
    }

    /** Where the next read continues: one past the last record here, or {@link #fromOffset()} if none. */
    public long nextOffset() {
        return nextOffset;
    }

    public boolean isEmpty() {
        return nextOffset == fromOffset;
    }

    public int recordCount() {
        return (int) (nextOffset - fromOffset);
    }

    /** Calls the visitor for each wanted record, in offset order. */
    public void forEach(RecordVisitor visitor) {
        byte[] array = batches.array();
        int base = batches.arrayOffset();
        int p = 0;
        int end = batches.limit();
        while (p < end) {
            int size = RecordBatchFormat.totalSize(batches, p);
            long offset = RecordBatchFormat.baseOffset(batches, p);
            int count = RecordBatchFormat.recordCount(batches, p);
            long appendTime = RecordBatchFormat.appendTime(batches, p);
            if (offset + count > fromOffset) {
                int r = p + RecordBatchFormat.HEADER_SIZE;
                for (int i = 0; i < count; i++, offset++) {
                    int length = 0;
                    int shift = 0;
                    byte b;
                    do {
                        b = array[base + r++];
                        length |= (b & 0x7F) << shift;
                        shift += 7;
                    } while (b < 0);
                    if (offset >= fromOffset) {
                        visitor.record(offset, appendTime, array, base + r, length);
                    }
                    r += length;
                }
            }
            p += size;
        }
    }

    /** Receives one record; do not modify the bytes. */
    @FunctionalInterface
    public interface RecordVisitor {
        void record(long offset, long appendTime, byte[] array, int valueOffset, int valueLength);
    }
}
