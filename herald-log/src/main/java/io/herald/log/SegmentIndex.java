package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The sparse offset and time index of one segment: every {@code intervalBytes} of log, the
 * offset, file position and append time of the batch that starts there. One index serves both
 * look-ups because append times never decrease within a partition.
 *
 * <p>It is derived data. The active segment's index lives in memory and is rebuilt by the
 * recovery scan on open; a sealed segment's index is written once, beside its log file, and
 * thrown away and rebuilt if it does not match the log. File layout (big-endian):
 *
 * <pre>
 * int32  magic 'HIDX'
 * int8   version = 1
 * int64  log size the index covers (bytes of the .log file)
 * int64  next offset (one past the segment's last record)
 * int64  last append time
 * int32  entry count n
 * n x    (int32 relative offset, int32 position, int64 append time)
 * int32  crc32c of all bytes before it
 * </pre>
 *
 * <p>Threading: one writer thread adds entries; any thread may look up. Each added entry is
 * published through a volatile snapshot, so a reader never sees a half-written entry.
 */
final class SegmentIndex {

    static final int MAGIC = 0x48494458; // "HIDX"
    static final byte VERSION = 1;
    private static final int HEADER_SIZE = 4 + 1 + 8 + 8 + 8 + 4;
    private static final int ENTRY_SIZE = 4 + 4 + 8;

    private final long baseOffset;
    private final int intervalBytes;
    private volatile Entries entries = new Entries(new int[16], new int[16], new long[16], 0);
    private int bytesSinceLastEntry;
    private boolean forceNext;

    SegmentIndex(long baseOffset, int intervalBytes) {
        this.baseOffset = baseOffset;
        this.intervalBytes = intervalBytes;
    }

    /** Called for every batch written (or recovered), in order. */
    void onBatch(long batchBaseOffset, int position, long appendTime, int batchSize) {
        if (entries.count == 0 && position == 0 || bytesSinceLastEntry >= intervalBytes || forceNext) {
            add((int) (batchBaseOffset - baseOffset), position, appendTime);
            bytesSinceLastEntry = 0;
            forceNext = false;
        }
        bytesSinceLastEntry += batchSize;
    }

    /** The next batch gets an entry whatever the bytes since the last one: a read for its offsets starts there, past damage before it. */
    void entryAtNextBatch() {
        bytesSinceLastEntry = intervalBytes;
        forceNext = true;
    }

    private void add(int relativeOffset, int position, long appendTime) {
        Entries e = entries;
        int[] rel = e.relativeOffsets;
        int[] pos = e.positions;
        long[] time = e.times;
        if (e.count == rel.length) {
            rel = Arrays.copyOf(rel, rel.length * 2);
            pos = Arrays.copyOf(pos, pos.length * 2);
            time = Arrays.copyOf(time, time.length * 2);
        }
        rel[e.count] = relativeOffset;
        pos[e.count] = position;
        time[e.count] = appendTime;
        entries = new Entries(rel, pos, time, e.count + 1);
    }

    /** The file position of the last indexed batch at or below {@code offset}: where a read of it starts scanning. */
    int positionForOffset(long offset) {
        Entries e = entries;
        long relative = offset - baseOffset;
        int lo = 0;
        int hi = e.count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (e.relativeOffsets[mid] <= relative) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : e.positions[found];
    }

    /** The file position of the last indexed batch appended before {@code time}: where a search for the first batch at or after it starts. */
    int positionForTime(long time) {
        Entries e = entries;
        int lo = 0;
        int hi = e.count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (e.times[mid] < time) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : e.positions[found];
    }

    /** Forgets entries at or beyond {@code position} (after a truncation). */
    void truncateTo(int position) {
        Entries e = entries;
        int n = e.count;
        while (n > 0 && e.positions[n - 1] >= position) {
            n--;
        }
        entries = new Entries(e.relativeOffsets, e.positions, e.times, n);
        bytesSinceLastEntry = intervalBytes; // the next batch gets an entry
    }

    int entryCount() {
        return entries.count;
    }

    /**
     * Writes the index of a sealed segment atomically (temporary file, rename). It is not forced:
     * after a power loss a missing or torn index fails {@link #load}'s checks and is rebuilt.
     */
    void writeTo(Path file, long logSize, long nextOffset, long lastAppendTime) throws IOException {
        Entries e = entries;
        ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + e.count * ENTRY_SIZE + 4);
        buf.putInt(MAGIC).put(VERSION).putLong(logSize).putLong(nextOffset).putLong(lastAppendTime).putInt(e.count);
        for (int i = 0; i < e.count; i++) {
            buf.putInt(e.relativeOffsets[i]).putInt(e.positions[i]).putLong(e.times[i]);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        buf.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Loads a sealed segment's index if the file is intact and covers exactly {@code logSize}
     * bytes of log; empty means "rebuild it from the log".
     */
    static Optional<Loaded> load(Path file, long baseOffset, int intervalBytes, long logSize) {
        byte[] bytes;
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (bytes.length < HEADER_SIZE + 4 || (bytes.length - HEADER_SIZE - 4) % ENTRY_SIZE != 0) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            return Optional.empty();
        }
        if (buf.getInt() != MAGIC || buf.get() != VERSION) {
            return Optional.empty();
        }
        long coveredSize = buf.getLong();
        long nextOffset = buf.getLong();
        long lastAppendTime = buf.getLong();
        int count = buf.getInt();
        if (coveredSize != logSize || count != (bytes.length - HEADER_SIZE - 4) / ENTRY_SIZE) {
            return Optional.empty();
        }
        SegmentIndex index = new SegmentIndex(baseOffset, intervalBytes);
        int[] rel = new int[Math.max(16, count)];
        int[] pos = new int[rel.length];
        long[] time = new long[rel.length];
        for (int i = 0; i < count; i++) {
            rel[i] = buf.getInt();
            pos[i] = buf.getInt();
            time[i] = buf.getLong();
        }
        index.entries = new Entries(rel, pos, time, count);
        return Optional.of(new Loaded(index, nextOffset, lastAppendTime));
    }

    record Loaded(SegmentIndex index, long nextOffset, long lastAppendTime) {
    }

    private record Entries(int[] relativeOffsets, int[] positions, long[] times, int count) {
    }
}
