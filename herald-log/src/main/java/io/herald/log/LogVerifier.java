package io.herald.log;

import java.io.IOException;
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

    /** One segment, through the same scan as recovery, so that both see the same damage. */
    private static final class Scan {

        private final Path file;
        private final long base;
        private final long nextBase;
        private final List<Damage> damage = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private long size;
        private long next;
        private long events;
        /** Bytes after the last whole batch of a last segment, if any: a torn tail. */
        private String tail;

        Scan(Path file, long base, long nextBase) {
            this.file = file;
            this.base = base;
            this.next = base;
            this.nextBase = nextBase;
        }

        void run() throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                size = ch.size();
                if (size > Integer.MAX_VALUE) {
                    damage.add(new Damage(file, 0, base, nextBase, "the file is " + size + " bytes, larger than a segment can be"));
                    return;
                }
                SegmentScan.Result result = SegmentScan.scan((dst, position) -> {
                    long at = position;
                    while (dst.hasRemaining() && ch.read(dst, at) >= 0) {
                        at = position + dst.position();
                    }
                }, (int) size, base, new SegmentScan.Visitor() {
                    @Override
                    public void batch(int position, long baseOffset, int recordCount, long appendTime, int batchSize) {
                        events += recordCount;
                    }

                    @Override
                    public void damaged(int position, long firstOffset, long resumeOffset, int resumePosition, String problem) {
                        if (resumeOffset == firstOffset) {
                            notes.add(file + ": bytes " + position + " to " + (resumePosition - 1) + " hold no event (" + problem + ")");
                        } else {
                            damage.add(new Damage(file, position, firstOffset, resumeOffset, problem));
                        }
                    }
                });
                next = result.nextOffset();
                String lost = (size - result.end()) + " bytes after the last whole batch at byte " + result.end();
                if (result.tail() == null) {
                    return;
                }
                if (nextBase < 0) {
                    tail = lost + " (" + result.tail() + "); the next open cuts them";
                } else if (next == nextBase) {
                    notes.add(file + ": " + lost + " hold no event (" + result.tail() + ")");
                } else {
                    damage.add(new Damage(file, result.end(), next, nextBase, result.tail()));
                    next = Math.max(next, nextBase); // the range reaches the next segment: no gap besides it
                }
            }
        }
    }
}
