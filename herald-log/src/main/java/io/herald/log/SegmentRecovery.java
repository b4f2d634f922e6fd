package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Scans a segment batch by batch from its start, checks each one ({@link RecordBatchFormat#check}:
 * length, CRC32C, version, offsets, framing) and rebuilds the index up to the first batch that
 * fails. In the last segment that is a torn tail (an acknowledged batch was written whole before
 * it was acknowledged, so it is always before it) and the file is cut there. In any earlier
 * segment it is damage to data that was once whole: the file is kept as it is, the segment
 * readable up to the damage, and the damage reported, never "repaired" by deleting data.
 */
final class SegmentRecovery {

    private static final int CHUNK = 1 << 20;

    private final LogSegment segment;
    private final int fileSize;
    private ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    private int chunkStart;
    private int chunkLength;

    private SegmentRecovery(LogSegment segment) {
        this.segment = segment;
        this.fileSize = segment.size();
    }

    static void recover(LogSegment segment, boolean last, RecoveryListener listener) throws IOException {
        new SegmentRecovery(segment).scan(last, listener);
    }

    private void scan(boolean last, RecoveryListener listener) throws IOException {
        int position = 0;
        long nextOffset = segment.baseOffset();
        long lastAppendTime = Long.MIN_VALUE;
        String problem = null;
        while (position < fileSize) {
            int available = cover(position, RecordBatchFormat.HEADER_SIZE);
            if (available >= RecordBatchFormat.HEADER_SIZE) {
                long total = (long) chunk.getInt(position - chunkStart) + RecordBatchFormat.LENGTH_FIELD_SIZE;
                if (total > available && total <= fileSize - position) {
                    available = cover(position, (int) total);
                }
            }
            RecordBatchFormat.Check check = RecordBatchFormat.check(chunk, position - chunkStart, available, nextOffset);
            if (!check.valid()) {
                problem = check.problem();
                break;
            }
            long appendTime = RecordBatchFormat.appendTime(chunk, position - chunkStart);
            if (appendTime < lastAppendTime) {
                problem = "append time " + appendTime + " goes back from " + lastAppendTime;
                break;
            }
            segment.index().onBatch(nextOffset, position, appendTime, check.size());
            nextOffset += RecordBatchFormat.recordCount(chunk, position - chunkStart);
            lastAppendTime = appendTime;
            position += check.size();
        }
        if (problem != null && last) {
            listener.truncated(segment.logFile(), position, problem + " at byte " + position + " (offset " + nextOffset + ")");
            segment.truncateTo(position, nextOffset, lastAppendTime);
        } else if (problem != null) {
            listener.damaged(segment.logFile(), position, problem + " at byte " + position + " (offset " + nextOffset + ")");
            segment.damagedAt(position, problem);
        }
        segment.recovered(position, nextOffset, lastAppendTime);
    }

    /** Makes the chunk hold {@code [position, position + n)} as far as the file allows; returns the bytes held from {@code position}. */
    private int cover(int position, int n) throws IOException {
        if (position >= chunkStart && position + n <= chunkStart + chunkLength) {
            return chunkStart + chunkLength - position;
        }
        if (chunk.capacity() < n) {
            chunk = ByteBuffer.allocate(n);
        }
        chunk.clear();
        chunk.limit(Math.min(chunk.capacity(), fileSize - position));
        segment.readFully(chunk, position);
        chunkStart = position;
        chunkLength = chunk.position();
        return chunkLength;
    }
}
