package io.herald.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks a log directory without changing it: every batch of every segment ({@link
 * RecordBatchFormat#check}), the offsets running on from one segment to the next, and each sealed
 * segment's index. Reports what is intact, what is damaged (file, byte and offset ranges, and the
 * check that failed) and what the next open would do. Opens files for reading only; a process
 * writing the log meanwhile makes the report of its last segment stale.
 */
public final class LogVerifier {

    /**
     * Offsets {@code [firstOffset, endOffset)} that cannot be read ({@code endOffset} -1: up to
     * where the damage hides), because of {@code problem} at {@code bytePosition} of {@code file}.
     */
    public record Damage(Path file, long bytePosition, long firstOffset, long endOffset, String problem) {
    }

    /**
     * One log directory. {@code tornTail}: bytes after the last whole batch of the last segment,
     * which the next open cuts (what a crash mid-write leaves), or null; {@code staleIndexes}: sealed
     * segments whose index does not match and that the next open rebuilds; {@code notes}: anything
     * else found that costs no event (bytes after a sealed segment's last batch).
     */
    public record Report(Path dir, int segments, long startOffset, long endOffset, long bytes, long readableEvents,
                         List<Damage> damage, String tornTail, List<Path> staleIndexes, List<String> notes) {

        public boolean intact() {
            return damage.isEmpty();
        }
    }

    private LogVerifier() {
    }

    /** Verifies the log in {@code dir}: a directory of segment files, as {@link SegmentedLog} writes it. */
    public static Report verify(Path dir) throws IOException {
        List<Path> logs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogSegment.LOG_SUFFIX)) {
            files.forEach(logs::add);
        }
        logs.sort(Comparator.comparingLong(LogSegment::baseOffsetOf));
        List<Damage> damage = new ArrayList<>();
        List<Path> staleIndexes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String tornTail = null;
        long bytes = 0;
        long readable = 0;
        long next = logs.isEmpty() ? 0 : LogSegment.baseOffsetOf(logs.getFirst());
        for (int i = 0; i < logs.size(); i++) {
            Path file = logs.get(i);
            long base = LogSegment.baseOffsetOf(file);
            boolean last = i == logs.size() - 1;
            long nextBase = last ? -1 : LogSegment.baseOffsetOf(logs.get(i + 1));
            if (base > next) {
                damage.add(new Damage(logs.get(i - 1), Files.size(logs.get(i - 1)), next, base,
                        "offsets " + next + " to " + (base - 1) + " are in no segment file: a file was cut short or is missing"));
            }
            Scan scan = new Scan(file, base, nextBase);
            scan.run();
            bytes += scan.size;
            readable += scan.events;
            damage.addAll(scan.damage);
            notes.addAll(scan.notes);
            if (last && scan.tail != null) {
                tornTail = scan.tail;
            }
            if (!last && scan.damage.isEmpty() && scan.notes.isEmpty()) {
                Path index = file.resolveSibling(LogSegment.fileName(base, LogSegment.INDEX_SUFFIX));
                var loaded = SegmentIndex.load(index, base, LogConfig.defaults().indexIntervalBytes(), scan.size);
                if (loaded.isEmpty() || loaded.get().nextOffset() != scan.next) {
                    staleIndexes.add(index);
                }
            }
            next = Math.max(next, scan.next);
        }
        long start = logs.isEmpty() ? 0 : LogSegment.baseOffsetOf(logs.getFirst());
        return new Report(dir, logs.size(), start, next, bytes, readable, List.copyOf(damage), tornTail, List.copyOf(staleIndexes),
                List.copyOf(notes));
    }

    /** One segment, batch by batch; after a bad batch whose length still frames it, it goes on at the next one. */
    private static final class Scan {

        private final Path file;
        private final long nextBase;
        private final List<Damage> damage = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        private long size;
        private long next;
        private long events;
        /** Bytes after the last whole batch of a last segment, if any: a torn tail. */
        private String tail;

        Scan(Path file, long base, long nextBase) {
            this.file = file;
            this.next = base;
            this.nextBase = nextBase;
        }

        void run() throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                size = ch.size();
                long position = 0;
                // a bad batch opens a damaged range; the next whole batch (or the end) closes it
                long damagedFrom = -1;
                long damagedAt = -1;
                String problem = null;
                while (position < size) {
                    String bad = null;
                    int total = -1;
                    if (size - position < RecordBatchFormat.HEADER_SIZE) {
                        bad = "torn batch: " + (size - position) + " bytes left, a header needs " + RecordBatchFormat.HEADER_SIZE;
                    } else {
                        ByteBuffer header = read(ch, position, RecordBatchFormat.HEADER_SIZE);
                        total = RecordBatchFormat.totalSize(header, 0);
                        if (total < RecordBatchFormat.HEADER_SIZE || total > size - position) {
                            bad = "batch length " + total + " does not fit the " + (size - position) + " bytes left";
                            total = -1;
                        } else {
                            RecordBatchFormat.Check check = RecordBatchFormat.check(read(ch, position, total), 0, total,
                                    damagedFrom >= 0 ? -1 : next);
                            bad = check.valid() ? null : check.problem();
                        }
                    }
                    if (bad == null) {
                        long batchBase = RecordBatchFormat.baseOffset(buf, 0);
                        if (damagedFrom >= 0) {
                            damage.add(new Damage(file, damagedAt, damagedFrom, batchBase, problem));
                            damagedFrom = -1;
                        }
                        next = batchBase + RecordBatchFormat.recordCount(buf, 0);
                        events += RecordBatchFormat.recordCount(buf, 0);
                        position += total;
                        continue;
                    }
                    if (damagedFrom < 0) {
                        damagedFrom = next;
                        damagedAt = position;
                        problem = bad;
                    }
                    if (total < 0) {
                        break; // the length no longer frames the batches: what follows is out of reach
                    }
                    position += total;
                }
                if (damagedFrom >= 0) {
                    if (nextBase < 0 && damage.isEmpty()) {
                        // nothing whole after it in the last segment: what a crash mid-write leaves, cut on open
                        tail = (size - damagedAt) + " bytes after the last whole batch at byte " + damagedAt + " (" + problem
                                + "); the next open cuts them";
                    } else if (damagedFrom == nextBase) {
                        notes.add(file + ": " + (size - damagedAt) + " bytes after the last whole batch at byte " + damagedAt
                                + " hold no event (" + problem + ")");
                    } else {
                        damage.add(new Damage(file, damagedAt, damagedFrom, nextBase, problem));
                        next = Math.max(next, nextBase); // the range reaches the next segment: no gap besides it
                    }
                } else if (nextBase < 0 && !damage.isEmpty()) {
                    // recovery treats the last segment's first bad batch as a torn tail
                    Damage first = damage.getFirst();
                    damage.set(0, new Damage(file, first.bytePosition(), first.firstOffset(), first.endOffset(), first.problem()
                            + "; in the last segment, so the next open cuts the segment here, whole batches after it too"));
                }
            }
        }

        private ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
            if (buf.capacity() < length) {
                buf = ByteBuffer.allocate(length);
            }
            buf.clear().limit(length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, position + buf.position()) < 0) {
                    throw new IOException(file + " ended while reading " + length + " bytes at byte " + position);
                }
            }
            return buf.flip();
        }
    }
}
