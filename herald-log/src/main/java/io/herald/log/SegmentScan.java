package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks a segment file batch by batch from its start and checks each one ({@link
 * RecordBatchFormat#check}: length, CRC32C, version, offsets, framing, append time). A batch that
 * fails is damage, not the end: the scan looks for the next whole batch after it (where its length
 * frames it, else byte by byte, since a CRC-checked batch cannot appear by chance), reports the
 * offsets in between as damaged and goes on there. Bytes after which no whole batch follows are
 * the segment's tail: what a crash mid-write leaves in a last segment. Recovery ({@link
 * SegmentRecovery}) and the verifier ({@link LogVerifier}) both see a segment through this scan,
 * so they agree on what is damaged.
 */
final class SegmentScan {

    private static final int CHUNK = 1 << 20;

    /** Reads {@code dst.remaining()} bytes of the file at {@code position} (fewer only at its end). */
    @FunctionalInterface
    interface Source {
        void readFully(ByteBuffer dst, long position) throws IOException;
    }

    /** What the scan finds, in file order. */
    interface Visitor {
        void batch(int position, long baseOffset, int recordCount, long appendTime, int size);

        /**
         * Offsets {@code [firstOffset, resumeOffset)} are damaged: {@code problem} at byte
         * {@code position}; the scan goes on at the whole batch at byte {@code resumePosition}.
         */
        void damaged(int position, long firstOffset, long resumeOffset, int resumePosition, String problem);
    }

    /**
     * {@code end}: one past the last whole batch; {@code tail}: why the bytes from {@code end} on
     * hold no whole batch, or null when the file ends with one.
     */
    record Result(int end, long nextOffset, long lastAppendTime, String tail) {
    }

    /** A reader's one look past damage reads less at a time than a scan of the whole file. */
    private static final int LOOK_CHUNK = 64 * 1024;

    private final Source source;
    private final int fileSize;
    private final int chunkSize;
    private ByteBuffer chunk = ByteBuffer.allocate(0);
    private int chunkStart;
    private int chunkLength;

    private SegmentScan(Source source, int fileSize, int chunkSize) {
        this.source = source;
        this.fileSize = fileSize;
        this.chunkSize = chunkSize;
    }

    static Result scan(Source source, int fileSize, long baseOffset, Visitor visitor) throws IOException {
        return new SegmentScan(source, fileSize, CHUNK).run(baseOffset, visitor);
    }

    /**
     * For a reader that met a bad batch at {@code position} ({@code size}: its length, or -1 if it
     * does not frame it): where the first whole batch of offset {@code minOffset} or more after it
     * begins, among the first {@code fileSize} bytes, or -1.
     */
    static int nextWholeBatch(Source source, int fileSize, int position, int size, long minOffset) throws IOException {
        return new SegmentScan(source, fileSize, LOOK_CHUNK).nextWholeBatch(position, size, minOffset, Long.MIN_VALUE);
    }

    /** Whether a whole batch begins at {@code position}, among the first {@code fileSize} bytes. */
    static boolean isWholeBatch(Source source, int fileSize, int position) throws IOException {
        return new SegmentScan(source, fileSize, LOOK_CHUNK).isWholeAfter(position, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /** The base offset of the batch at {@code position}. */
    static long baseOffsetAt(Source source, int position) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(RecordBatchFormat.HEADER_SIZE);
        source.readFully(header, position);
        return RecordBatchFormat.baseOffset(header, 0);
    }

    private Result run(long baseOffset, Visitor visitor) throws IOException {
        int position = 0;
        long nextOffset = baseOffset;
        long lastAppendTime = Long.MIN_VALUE;
        while (position < fileSize) {
            int available = cover(position, RecordBatchFormat.HEADER_SIZE);
            int size = available >= RecordBatchFormat.HEADER_SIZE ? frame(position, available) : -1;
            String problem = problem(position, nextOffset, lastAppendTime);
            if (problem == null) {
                int at = position - chunkStart;
                long appendTime = RecordBatchFormat.appendTime(chunk, at);
                int count = RecordBatchFormat.recordCount(chunk, at);
                visitor.batch(position, nextOffset, count, appendTime, size);
                nextOffset += count;
                lastAppendTime = appendTime;
                position += size;
                continue;
            }
            int resume = nextWholeBatch(position, size, nextOffset, lastAppendTime);
            if (resume < 0) {
                return new Result(position, nextOffset, lastAppendTime, problem + " at byte " + position + " (offset " + nextOffset + ")");
            }
            cover(resume, RecordBatchFormat.HEADER_SIZE);
            long resumeOffset = RecordBatchFormat.baseOffset(chunk, resume - chunkStart);
            visitor.damaged(position, nextOffset, resumeOffset, resume, problem);
            nextOffset = resumeOffset;
            position = resume;
        }
        return new Result(position, nextOffset, lastAppendTime, null);
    }

    /** The batch's size by its length field, reading it whole into the chunk when it fits the file; -1 if it cannot fit. */
    private int frame(int position, int available) throws IOException {
        long total = (long) chunk.getInt(position - chunkStart) + RecordBatchFormat.LENGTH_FIELD_SIZE;
        if (total < RecordBatchFormat.HEADER_SIZE || total > fileSize - position) {
            return -1;
        }
        if (total > available) {
            cover(position, (int) total);
        }
        return (int) total;
    }

    /** Why the batch at {@code position} is not whole and next in line, or null if it is. */
    private String problem(int position, long expectedOffset, long lastAppendTime) throws IOException {
        int available = cover(position, RecordBatchFormat.HEADER_SIZE);
        if (available >= RecordBatchFormat.HEADER_SIZE) {
            frame(position, available);
            available = chunkStart + chunkLength - position;
        }
        RecordBatchFormat.Check check = RecordBatchFormat.check(chunk, position - chunkStart, available, expectedOffset);
        if (!check.valid()) {
            return check.problem();
        }
        long appendTime = RecordBatchFormat.appendTime(chunk, position - chunkStart);
        return appendTime < lastAppendTime ? "append time " + appendTime + " goes back from " + lastAppendTime : null;
    }

    /**
     * Where the first whole batch after the bad one at {@code position} begins, or -1: where the bad
     * one's length says it ends, if a whole batch is there, else the first byte at which one is. A
     * whole batch here also continues the offsets and append times (never goes back), so that stale
     * bytes of an older batch are not taken for a newer one.
     */
    private int nextWholeBatch(int position, int size, long nextOffset, long lastAppendTime) throws IOException {
        if (size > 0 && position + size < fileSize && isWholeAfter(position + size, nextOffset, lastAppendTime)) {
            return position + size;
        }
        for (int q = position + 1; q + RecordBatchFormat.HEADER_SIZE <= fileSize; q++) {
            cover(q, RecordBatchFormat.HEADER_SIZE);
            if (chunk.get(q - chunkStart + RecordBatchFormat.MAGIC_OFFSET) == RecordBatchFormat.MAGIC
                    && isWholeAfter(q, nextOffset, lastAppendTime)) {
                return q;
            }
        }
        return -1;
    }

    private boolean isWholeAfter(int position, long nextOffset, long lastAppendTime) throws IOException {
        int available = cover(position, RecordBatchFormat.HEADER_SIZE);
        if (available < RecordBatchFormat.HEADER_SIZE || !plausibleHeader(position - chunkStart, position, nextOffset, lastAppendTime)
                || frame(position, available) < 0) {
            return false;
        }
        int at = position - chunkStart;
        RecordBatchFormat.Check check = RecordBatchFormat.check(chunk, at, chunkStart + chunkLength - position, -1);
        return check.valid() && RecordBatchFormat.baseOffset(chunk, at) >= nextOffset
                && RecordBatchFormat.appendTime(chunk, at) >= lastAppendTime;
    }

    /**
     * The header's cheap fields, before a CRC reads the whole length it claims: random bytes seldom
     * pass them, so a search through garbage checks few CRCs. A batch has attributes 0, at least one
     * record of at least a byte, a base offset not before {@code nextOffset} nor further on than the
     * file has bytes, and an append time that does not go back.
     */
    private boolean plausibleHeader(int at, int position, long nextOffset, long lastAppendTime) {
        long total = (long) chunk.getInt(at) + RecordBatchFormat.LENGTH_FIELD_SIZE;
        int count = RecordBatchFormat.recordCount(chunk, at);
        long base = RecordBatchFormat.baseOffset(chunk, at);
        return total >= RecordBatchFormat.HEADER_SIZE && total <= fileSize - position
                && chunk.get(at + RecordBatchFormat.ATTRIBUTES_OFFSET) == 0
                && count >= 1 && count <= total - RecordBatchFormat.HEADER_SIZE
                && base >= nextOffset && (nextOffset == Long.MIN_VALUE || base - nextOffset <= fileSize)
                && RecordBatchFormat.appendTime(chunk, at) >= lastAppendTime;
    }

    /** Makes the chunk hold {@code [position, position + n)} as far as the file allows; returns the bytes held from {@code position}. */
    private int cover(int position, int n) throws IOException {
        if (position >= chunkStart && position + n <= chunkStart + chunkLength) {
            return chunkStart + chunkLength - position;
        }
        if (chunk.capacity() < n) {
            chunk = ByteBuffer.allocate(Math.max(n, Math.min(chunkSize, fileSize)));
        }
        chunk.clear();
        chunk.limit(Math.min(chunk.capacity(), fileSize - position));
        source.readFully(chunk, position);
        chunkStart = position;
        chunkLength = chunk.position();
        return chunkLength;
    }
}
