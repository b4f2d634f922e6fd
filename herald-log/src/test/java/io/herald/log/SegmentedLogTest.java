package io.herald.log;

import static io.herald.log.LogTestSupport.appendBatch;
import static io.herald.log.LogTestSupport.readAll;
import static io.herald.log.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {

    @TempDir
    Path dir;

    private final LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_700_000_000_000L);

    private SegmentedLog open(LogConfig config) throws IOException {
        return SegmentedLog.open(dir, config, clock, RecoveryListener.IGNORE);
    }

    private static LogConfig small() {
        return LogConfig.defaults().withSegmentBytes(1024).withIndexIntervalBytes(64);
    }

    @Test
    void appendsGetConsecutiveOffsetsAndReadBackInOrder() throws IOException {
        try (SegmentedLog log = open(LogConfig.defaults())) {
            assertThat(appendBatch(log, "a", "b")).isZero();
            assertThat(appendBatch(log, "c")).isEqualTo(2);
            assertThat(log.endOffset()).isEqualTo(3);
            assertThat(readAll(log, 0)).extracting(LogTestSupport.Record::offset).containsExactly(0L, 1L, 2L);
            assertThat(values(readAll(log, 1))).containsExactly("b", "c");
        }
    }

    @Test
    void rollsSegmentsAndReadsAcrossThemFromAnyOffset() throws IOException {
        List<String> written = new ArrayList<>();
        try (SegmentedLog log = open(small())) {
            for (int i = 0; i < 200; i++) {
                appendBatch(log, "value-" + i);
                written.add("value-" + i);
            }
            assertThat(log.segmentCount()).isGreaterThan(5);
            for (int from : new int[] {0, 1, 57, 120, 199, 200}) {
                assertThat(values(readAll(log, from))).containsExactlyElementsOf(written.subList(from, 200));
            }
        }
    }

    @Test
    void reopensWithSameContentAndTakesNewWrites() throws IOException {
        try (SegmentedLog log = open(small())) {
            IntStream.range(0, 100).forEach(i -> append(log, "v" + i));
        }
        try (SegmentedLog log = open(small())) {
            assertThat(log.endOffset()).isEqualTo(100);
            assertThat(appendBatch(log, "after")).isEqualTo(100);
            assertThat(values(readAll(log, 98))).containsExactly("v98", "v99", "after");
        }
    }

    @Test
    void readsBelowStartOrPastEndAreRefusedWithTheRange() throws IOException {
        try (SegmentedLog log = open(LogConfig.defaults())) {
            appendBatch(log, "a");
            assertThatThrownBy(() -> log.read(5, 100))
                    .isInstanceOf(OffsetOutOfRangeException.class)
                    .hasMessageContaining("offset 5").hasMessageContaining("[0, 1)");
            assertThat(log.read(1, 100).isEmpty()).isTrue();
        }
    }

    @Test
    void aBatchLargerThanTheReadSizeIsStillReadWhole() throws IOException {
        try (SegmentedLog log = open(LogConfig.defaults())) {
            String big = "x".repeat(10_000);
            appendBatch(log, big, big);
            LogFetch fetch = log.read(1, 100);
            assertThat(fetch.recordCount()).isEqualTo(1);
            assertThat(values(readAll(log, 0))).containsExactly(big, big);
        }
    }

    @Test
    void aSmallReadFarFromTheLastIndexEntryStillMakesProgress() throws IOException {
        // one index entry for the whole segment: each read starts at byte 0 and must skip
        // batches larger than the read size before it reaches the one it wants
        try (SegmentedLog log = open(LogConfig.defaults().withIndexIntervalBytes(1 << 20))) {
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String a = i + "a" + "x".repeat(400);
                String b = i + "b" + "y".repeat(400);
                appendBatch(log, a, b);
                written.add(a);
                written.add(b);
            }
            for (int from = 0; from < written.size(); from++) {
                LogFetch fetch = log.read(from, 64);
                assertThat(fetch.nextOffset()).as("progress from %d", from).isGreaterThan(from);
            }
            List<String> read = new ArrayList<>();
            long offset = 0;
            while (offset < log.endOffset()) {
                LogFetch fetch = log.read(offset, 64);
                fetch.forEach((o, t, array, off, len) -> read.add(new String(array, off, len, java.nio.charset.StandardCharsets.UTF_8)));
                offset = fetch.nextOffset();
            }
            assertThat(read).containsExactlyElementsOf(written);
        }
    }

    @Test
    void findsOffsetsByAppendTime() throws IOException {
        try (SegmentedLog log = open(small())) {
            for (int i = 0; i < 100; i++) {
                appendBatch(log, "v" + i);
                clock.advance(10);
            }
            long t0 = 1_700_000_000_000L;
            assertThat(log.offsetForTime(t0 - 1)).isZero();
            assertThat(log.offsetForTime(t0)).isZero();
            assertThat(log.offsetForTime(t0 + 1)).isEqualTo(1);
            assertThat(log.offsetForTime(t0 + 500)).isEqualTo(50);
            assertThat(log.offsetForTime(t0 + 995)).isEqualTo(100);
        }
    }

    @Test
    void appendTimesNeverGoBackwardsEvenWhenTheClockDoes() throws IOException {
        try (SegmentedLog log = open(LogConfig.defaults())) {
            appendBatch(log, "a");
            clock.advance(-5_000);
            appendBatch(log, "b");
            List<Long> times = new ArrayList<>();
            log.read(0, 1000).forEach((o, t, a, off, len) -> times.add(t));
            assertThat(times).isSorted().hasSize(2);
        }
    }

    @Test
    void retentionBySizeDeletesWholeOldestSegments() throws IOException {
        try (SegmentedLog log = open(small().withRetentionBytes(3000))) {
            for (int i = 0; i < 300; i++) {
                appendBatch(log, "value-" + i);
            }
            long deleted = log.applyRetention(clock.millis());
            assertThat(deleted).isPositive();
            assertThat(log.startOffset()).isEqualTo(deleted);
            assertThat(log.sizeInBytes()).isGreaterThanOrEqualTo(3000).isLessThan(3000 + 1024 + 100);
            assertThat(values(readAll(log, log.startOffset())).getFirst()).isEqualTo("value-" + deleted);
            assertThatThrownBy(() -> log.read(0, 100)).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void retentionByTimeDeletesExpiredSegmentsIncludingTheActiveOne() throws IOException {
        try (SegmentedLog log = open(small().withRetentionTime(Duration.ofMinutes(1)))) {
            for (int i = 0; i < 100; i++) {
                appendBatch(log, "old-" + i);
            }
            clock.advance(Duration.ofMinutes(2).toMillis());
            appendBatch(log, "new");
            log.applyRetention(clock.millis());
            // whole segments only: the sealed ones went; the active one holds "new", so it stays whole
            assertThat(log.startOffset()).isPositive();
            assertThat(values(readAll(log, log.startOffset()))).endsWith("new").hasSizeLessThan(30);
            clock.advance(Duration.ofMinutes(2).toMillis());
            log.applyRetention(clock.millis());
            assertThat(log.startOffset()).isEqualTo(101);
            assertThat(log.endOffset()).isEqualTo(101);
            assertThat(appendBatch(log, "next")).isEqualTo(101);
        }
        try (SegmentedLog log = open(small())) {
            assertThat(log.startOffset()).isEqualTo(101);
            assertThat(values(readAll(log, 101))).containsExactly("next");
        }
    }

    @Test
    void aMissingOrDamagedIndexIsRebuiltFromTheLog() throws IOException {
        try (SegmentedLog log = open(small())) {
            IntStream.range(0, 100).forEach(i -> append(log, "v" + i));
        }
        List<Path> indexes;
        try (var files = Files.list(dir)) {
            indexes = files.filter(p -> p.toString().endsWith(".index")).sorted().toList();
        }
        assertThat(indexes).hasSizeGreaterThan(2);
        Files.delete(indexes.get(0));
        Files.write(indexes.get(1), new byte[] {1, 2, 3});
        try (SegmentedLog log = open(small())) {
            assertThat(values(readAll(log, 0))).hasSize(100).startsWith("v0", "v1");
            assertThat(values(readAll(log, 37))).first().isEqualTo("v37");
        }
        assertThat(indexes.get(0)).exists();
    }

    @Test
    void anInterruptedReaderDoesNotBreakTheLogForOthers() throws Exception {
        try (SegmentedLog log = open(LogConfig.defaults())) {
            appendBatch(log, "a", "b");
            Thread.currentThread().interrupt(); // a FileChannel closes itself when an interrupted thread uses it
            assertThatThrownBy(() -> log.read(0, 100)).isInstanceOf(java.nio.channels.ClosedByInterruptException.class);
            assertThat(Thread.interrupted()).as("the interrupt stays visible to its thread").isTrue();
            java.util.concurrent.CompletableFuture<List<String>> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return values(readAll(log, 0));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(other.get()).containsExactly("a", "b");
            appendBatch(log, "c");
            assertThat(values(readAll(log, 0))).containsExactly("a", "b", "c");
        }
    }

    private static void append(Log log, String value) {
        try {
            appendBatch(log, value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
