package io.herald.log;

import java.nio.ByteBuffer;

/**
 * Whole, checked batches read from a log, of which the records at or after {@link #fromOffset()}
 * are wanted (a read starts at an index entry, which may be a few batches early). Immutable.
 */
public final class LogFetch {

    private final ByteBuffer batches;
    private final long fromOffset;
    private final long nextOffset;

    LogFetch(ByteBuffer batches, long fromOffset, long nextOffset) {
        this.batches = batches;
        this.fromOffset = fromOffset;
        this.nextOffset = nextOffset;
    }

    static LogFetch empty(long offset) {
        return new LogFetch(ByteBuffer.allocate(0), offset, offset);
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

    /** Receives one record; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface RecordVisitor {
        void record(long offset, long appendTime, byte[] array, int valueOffset, int valueLength);
    }
}
