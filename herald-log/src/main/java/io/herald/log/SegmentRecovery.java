package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Scans a segment batch by batch from its start, checks each one ({@link RecordBatchFormat#check}:
 * length, CRC32C, version, offsets, framing), rebuilds the index, and cuts the file at the first
 * batch that fails. Everything before that batch was written whole and is kept; an acknowledged
 * batch was written whole before it was acknowledged, so it is always before the cut.
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

    static void recover(LogSegment segment, RecoveryListener listener) throws IOException {
        new SegmentRecovery(segment).scan(listener);
    }

    private void scan(RecoveryListener listener) throws IOException {
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
        if (problem != null) {
            listener.truncated(segment.logFile(), position, problem + " at byte " + position + " (offset " + nextOffset + ")");
            segment.truncateTo(position, nextOffset, lastAppendTime);
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
