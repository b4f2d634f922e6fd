package io.herald.log;

import static io.herald.log.LogTestSupport.appendBatch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Damage to any sealed segment, of any kind, at any place: after reopen every event outside the
 * ranges the log reports damaged is read back, in order, at its offset; each damaged range is
 * reported with its file; and no file is deleted or cut (recovery cuts only the last segment's
 * torn tail, and this damage is never there). One exception the log cannot see: a missing first
 * file looks like retention, so the log begins after it.
 */
class DamageProperties {

    enum Kind { FLIP_BYTE, CUT, APPEND_GARBAGE, DELETE_FILE, DELETE_INDEX, CORRUPT_INDEX }

    @Property(tries = 300)
    void everyEventOutsideTheReportedDamageIsReadAndNothingIsDeleted(@ForAll @IntRange(min = 150, max = 400) int events,
                                                                    @ForAll @IntRange(min = 1, max = 3) int perBatch,
                                                                    @ForAll Kind kind,
                                                                    @ForAll @DoubleRange(min = 0, max = 1) double where,
                                                                    @ForAll @DoubleRange(min = 0, max = 1) double which) throws IOException {
        Path dir = Files.createTempDirectory("log-damage");
        try {
            LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
            try (SegmentedLog log = SegmentedLog.open(dir, config)) {
                for (int i = 0; i < events; i += perBatch) {
                    List<String> values = new ArrayList<>();
                    for (int j = i; j < Math.min(events, i + perBatch); j++) {
                        values.add("value-" + j);
                    }
                    appendBatch(log, values.toArray(String[]::new));
                }
            }
            List<Path> logs = files(dir, ".log");
            assertThat(logs).as("sealed segments to damage").hasSizeGreaterThan(2);
            Path damaged = logs.get(Math.min(logs.size() - 2, (int) (which * (logs.size() - 1)))); // never the last
            long size = Files.size(damaged);
            long at = Math.min(size - 1, (long) (where * size));
            switch (kind) {
                case FLIP_BYTE -> LogTestSupport.flipByte(damaged, at, 0x5A);
                case CUT -> truncate(damaged, at);
                case APPEND_GARBAGE -> Files.write(damaged, "garbage!".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
                case DELETE_FILE -> {
                    Files.delete(damaged);
                    Files.deleteIfExists(index(damaged));
                }
                case DELETE_INDEX -> Files.deleteIfExists(index(damaged));
                case CORRUPT_INDEX -> {
                    if (Files.exists(index(damaged)) && Files.size(index(damaged)) > 0) {
                        LogTestSupport.flipByte(index(damaged), Math.min(Files.size(index(damaged)) - 1, (long) (where * Files.size(index(damaged)))), 0x5A);
                    }
                }
            }
            Map<Path, Long> sizes = LogTestSupport.sizes(dir);
            LogVerifier.Report report = LogVerifier.verify(dir);
            assertThat(LogTestSupport.sizes(dir)).as("the verifier changes nothing").isEqualTo(sizes);
            List<String> read = new ArrayList<>();
            List<Long> offsets = new ArrayList<>();
            List<long[]> ranges = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            try (SegmentedLog log = SegmentedLog.open(dir, config)) {
                assertThat(log.endOffset()).as("the last segment is whole: the end stays").isEqualTo(events);
                long offset = log.startOffset();
                while (offset < log.endOffset()) {
                    try {
                        LogFetch fetch = log.read(offset, 300);
                        fetch.forEach((o, t, array, start, length) -> {
                            offsets.add(o);
                            read.add(new String(array, start, length, StandardCharsets.UTF_8));
                        });
                        offset = fetch.nextOffset();
                    } catch (CorruptLogException e) {
                        assertThat(e.firstOffset()).isEqualTo(offset);
                        assertThat(e.file()).isPresent();
                        long resume = e.resumeOffset().orElseThrow();
                        assertThat(resume).isGreaterThan(offset);
                        ranges.add(new long[] {offset, resume});
                        errors.add(e.getMessage());
                        offset = resume;
                    }
                }
            }
            // a missing first file looks like retention: with no record of where the log began, it begins after it
            long first = kind == Kind.DELETE_FILE && damaged.equals(logs.getFirst()) ? LogSegment.baseOffsetOf(logs.get(1)) : 0;
            List<Long> expected = new ArrayList<>();
            for (long o = first; o < events; o++) {
                long x = o;
                if (ranges.stream().noneMatch(r -> x >= r[0] && x < r[1])) {
                    expected.add(o);
                }
            }
            assertThat(offsets).isEqualTo(expected);
            List<Long> verifiedDamaged = new ArrayList<>();
            report.damage().forEach(d -> {
                for (long o = d.firstOffset(); o < (d.endOffset() < 0 ? events : d.endOffset()); o++) {
                    verifiedDamaged.add(o);
                }
            });
            List<Long> unread = new ArrayList<>();
            ranges.forEach(r -> {
                for (long o = r[0]; o < r[1]; o++) {
                    unread.add(o);
                }
            });
            assertThat(verifiedDamaged).as("the verifier reports the ranges a reader finds damaged: %s, reader: %s", report.damage(), errors)
                    .isEqualTo(unread);
            assertThat(report.readableEvents()).isEqualTo(offsets.size());
            assertThat(report.intact()).isEqualTo(ranges.isEmpty());
            assertThat(report.tornTail()).isNull();
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i)).isEqualTo("value-" + offsets.get(i));
            }
            long lost = events - first - expected.size();
            assertThat(lost).as("at most the damaged file's events").isLessThanOrEqualTo(eventsIn(logs, damaged, events));
            if (kind == Kind.DELETE_INDEX || kind == Kind.CORRUPT_INDEX || kind == Kind.APPEND_GARBAGE) {
                assertThat(ranges).as("no event was damaged").isEmpty();
            }
            sizes.forEach((file, bytes) -> {
                if (file.toString().endsWith(".log")) {
                    assertThat(file).as("kept as it was").exists().hasSize(bytes);
                }
            });
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long eventsIn(List<Path> logs, Path file, long events) {
        int i = logs.indexOf(file);
        long next = i + 1 < logs.size() ? LogSegment.baseOffsetOf(logs.get(i + 1)) : events;
        return next - LogSegment.baseOffsetOf(file);
    }

    private static Path index(Path log) {
        return log.resolveSibling(log.getFileName().toString().replace(".log", ".index"));
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }



    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }
}
