package io.herald.log;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A log that keeps its batches in memory only, for ephemeral topics: same format, same offsets,
 * same reads as {@link SegmentedLog}, nothing on disk. Retention bounds it by bytes (each batch
 * counts as a segment) and by time. Threading as {@link Log}.
 */
public final class MemoryLog implements Log {

    private final String name;
    private final long maxBytes;
    private final LogConfig config;
    private final Clock clock;
    private final ConcurrentSkipListMap<Long, ByteBuffer> batches = new ConcurrentSkipListMap<>();
    private volatile long startOffset;
    private volatile long endOffset;
    private volatile long size;
    private long writtenOffset;
    private long lastAppendTime;
    private volatile boolean closed;

    /** @param maxBytes what the log may hold; the oldest batches go first when it is passed */
    public MemoryLog(String name, LogConfig config, long maxBytes, Clock clock) {
        this.name = name;
        this.config = config;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long startOffset() {
        return startOffset;
    }

    @Override
    public long endOffset() {
        return endOffset;
    }

    @Override
    public long sizeInBytes() {
        return size;
    }

    @Override
    public long append(ByteBuffer batch, int recordCount) {
        int start = batch.position();
        int end = batch.limit();
        long base = writtenOffset;
        long appendTime = Math.max(clock.millis(), lastAppendTime);
        RecordBatchFormat.writeHeader(batch, start, end, base, recordCount, appendTime);
        ByteBuffer copy = ByteBuffer.allocate(end - start);
        copy.put(batch).flip();
        batches.put(base, copy);
        writtenOffset = base + recordCount;
        lastAppendTime = appendTime;
        size += copy.limit();
        while (size > maxBytes && batches.size() > 1) {
            dropFirst();
        }
        return base;
    }

    private void dropFirst() {
        Map.Entry<Long, ByteBuffer> first = batches.pollFirstEntry();
        size -= first.getValue().limit();
        Map.Entry<Long, ByteBuffer> next = batches.firstEntry();
        startOffset = next != null ? next.getKey() : writtenOffset;
    }

    @Override
    public void sync() {
        // nothing to force
    }

    @Override
    public void publish(long upTo) {
        endOffset = upTo;
    }

    @Override
    public LogFetch read(long offset, int maxBytes) {
        if (closed) {
            throw new LogClosedException(name);
        }
        long end = endOffset;
        long start = startOffset;
        if (offset < start || offset > end) {
            throw new OffsetOutOfRangeException(name, offset, start, end);
        }
        Map.Entry<Long, ByteBuffer> first = batches.floorEntry(offset);
        if (offset == end || first == null) {
            return LogFetch.empty(offset);
        }
        int total = 0;
        long next = offset;
        var view = batches.tailMap(first.getKey(), true).headMap(end, false);
        for (ByteBuffer b : view.values()) {
            if (total > 0 && total + b.limit() > maxBytes) {
                break;
            }
            total += b.limit();
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (ByteBuffer b : view.values()) {
            if (out.remaining() < b.limit()) {
                break;
            }
            out.put(b.duplicate());
            next = RecordBatchFormat.baseOffset(b, 0) + RecordBatchFormat.recordCount(b, 0);
        }
        out.flip();
        return new LogFetch(out, offset, Math.max(next, offset));
    }

    @Override
    public long offsetForTime(long epochMillis) {
        long end = endOffset;
        for (ByteBuffer b : batches.headMap(end, false).values()) {
            if (RecordBatchFormat.appendTime(b, 0) >= epochMillis) {
                return RecordBatchFormat.baseOffset(b, 0);
            }
        }
        return end;
    }

    @Override
    public long applyRetention(long nowMillis) {
        long before = startOffset;
        while (!batches.isEmpty()) {
            ByteBuffer first = batches.firstEntry().getValue();
            boolean expired = config.retentionTime().isPresent()
                    && RecordBatchFormat.appendTime(first, 0) < nowMillis - config.retentionTime().get().toMillis();
            if (!expired) {
                break;
            }
            dropFirst();
        }
        return startOffset - before;
    }

    @Override
    public void roll() {
        // batches are the segments here
    }

    @Override
    public void deleteBefore(long offset) {
        while (!batches.isEmpty()) {
            ByteBuffer first = batches.firstEntry().getValue();
            if (RecordBatchFormat.baseOffset(first, 0) + RecordBatchFormat.recordCount(first, 0) > offset) {
                return;
            }
            dropFirst();
        }
    }

    @Override
    public void close() {
        closed = true;
        batches.clear();
    }

    @Override
    public void delete() {
        close();
    }
}
