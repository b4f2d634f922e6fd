package io.herald.log;

import static io.herald.log.LogTestSupport.appendBatch;
import static io.herald.log.LogTestSupport.readAll;
import static io.herald.log.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Breaks the log's files on purpose: recovery cuts only a last segment's torn tail and keeps every other damage as a range. */
class SegmentRecoveryTest {

    @TempDir
    Path dir;

    private final List<String> truncations = new ArrayList<>();

    private SegmentedLog open(LogConfig config) throws IOException {
        return SegmentedLog.open(dir, config, java.time.Clock.systemUTC(), (file, position, problem) -> truncations.add(problem));
    }

    private Path activeSegment() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList().getLast();
        }
    }

    private void writeThree(LogConfig config) throws IOException {
        try (SegmentedLog log = open(config)) {
            appendBatch(log, "one", "two");
            appendBatch(log, "three");
            appendBatch(log, "four", "five", "six");
        }
    }

    @Test
    void aBatchTornMidWriteIsCutAndTheRestKept() throws IOException {
        writeThree(LogConfig.defaults());
        Path file = activeSegment();
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size - 7);
        }
        try (SegmentedLog log = open(LogConfig.defaults())) {
            assertThat(truncations).singleElement().asString().contains("torn batch");
            assertThat(log.endOffset()).isEqualTo(3);
            assertThat(values(readAll(log, 0))).containsExactly("one", "two", "three");
            assertThat(appendBatch(log, "again")).isEqualTo(3);
            assertThat(values(readAll(log, 3))).containsExactly("again");
        }
        try (SegmentedLog log = open(LogConfig.defaults())) {
            assertThat(values(readAll(log, 0))).containsExactly("one", "two", "three", "again");
        }
    }

    @Test
    void aFlippedByteInTheLastBatchFailsItsCrcAndIsNeverServed() throws IOException {
        writeThree(LogConfig.defaults());
        Path file = activeSegment();
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(size - 2);
            int b = raf.read();
            raf.seek(size - 2);
            raf.write(b ^ 0x40);
        }
        try (SegmentedLog log = open(LogConfig.defaults())) {
            assertThat(truncations).singleElement().asString().contains("crc mismatch");
            assertThat(values(readAll(log, 0))).containsExactly("one", "two", "three");
        }
    }

    @Test
    void garbageAfterTheLastBatchIsCut() throws IOException {
        writeThree(LogConfig.defaults());
        Files.write(activeSegment(), new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, java.nio.file.StandardOpenOption.APPEND);
        try (SegmentedLog log = open(LogConfig.defaults())) {
            assertThat(truncations).hasSize(1);
            assertThat(log.endOffset()).isEqualTo(6);
        }
    }

    @Test
    void zeroesLeftByAPreallocatedOrUnsyncedTailAreCut() throws IOException {
        writeThree(LogConfig.defaults());
        Files.write(activeSegment(), new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        try (SegmentedLog log = open(LogConfig.defaults())) {
            assertThat(truncations).singleElement().asString().contains("out of range");
            assertThat(log.endOffset()).isEqualTo(6);
        }
    }

    private final List<String> damaged = new ArrayList<>();

    private SegmentedLog openWatched(LogConfig config) throws IOException {
        return SegmentedLog.open(dir, config, java.time.Clock.systemUTC(), new RecoveryListener() {
            @Override
            public void truncated(Path file, long position, String problem) {
                truncations.add(problem);
            }

            @Override
            public void damaged(Path file, long position, String problem) {
                damaged.add(file.getFileName() + ": " + problem);
            }
        });
    }

    /** 100 batches of one value each over several 1-KiB segments; returns the segment files. */
    private List<Path> writeHundred(LogConfig config) throws IOException {
        try (SegmentedLog log = open(config)) {
            for (int i = 0; i < 100; i++) {
                appendBatch(log, "value-" + i);
            }
        }
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }



    /**
     * Reads the whole log as a reader that meets damage would: up to it, then past it from where
     * the error says the damage ends. Returns the values read; {@code errors} gets each error.
     */
    private static List<String> readAround(SegmentedLog log, List<CorruptLogException> errors) throws IOException {
        List<String> read = new ArrayList<>();
        long offset = log.startOffset();
        while (offset < log.endOffset()) {
            try {
                LogFetch fetch = log.read(offset, 4096);
                fetch.forEach((o, t, array, start, length) -> read.add(new String(array, start, length, java.nio.charset.StandardCharsets.UTF_8)));
                offset = fetch.nextOffset();
            } catch (CorruptLogException e) {
                errors.add(e);
                assertThat(e.firstOffset()).isEqualTo(offset);
                offset = e.resumeOffset().orElseThrow();
            }
        }
        return read;
    }

    private static List<String> valuesExcept(long from, long to) {
        List<String> expected = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            if (i < from || i >= to) {
                expected.add("value-" + i);
            }
        }
        return expected;
    }

    @Test
    void aCorruptBatchInASealedSegmentWithoutIndexIsKeptAndOnlyItsRangeFails() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        List<Path> logs = writeHundred(config);
        Path second = logs.get(1);
        Files.delete(dir.resolve(second.getFileName().toString().replace(".log", ".index")));
        LogTestSupport.flipByte(second, 200, 0xFF);
        Map<Path, Long> before = LogTestSupport.sizes(dir);
        try (SegmentedLog log = openWatched(config)) {
            assertThat(truncations).as("only a last segment's tail is ever cut").isEmpty();
            assertThat(damaged).singleElement().asString().contains(second.getFileName().toString(), "crc mismatch");
            assertThat(log.segmentCount()).isEqualTo(logs.size());
            List<CorruptLogException> errors = new ArrayList<>();
            List<String> read = readAround(log, errors);
            CorruptLogException error = errors.getFirst();
            assertThat(errors).hasSize(1);
            assertThat(error.file()).contains(second);
            assertThat(error).hasMessageContaining("crc mismatch").hasMessageContaining("offsets " + error.firstOffset() + " to ");
            assertThat(error.resumeOffset()).as("the damaged batch alone: the whole ones after it are kept").hasValue(error.firstOffset() + 1);
            assertThat(read).as("everything before and after the damaged range").isEqualTo(valuesExcept(error.firstOffset(), error.firstOffset() + 1));
            assertThat(error.firstOffset()).isGreaterThan(LogSegment.baseOffsetOf(second));
            assertThat(log.damage()).singleElement().extracting(CorruptLogException::firstOffset).isEqualTo(error.firstOffset());
            before.forEach((file, size) -> assertThat(file).as("nothing deleted or cut").exists().hasSize(size));
            assertThat(appendBatch(log, "next")).isEqualTo(100);
        }
    }

    @Test
    void anOldSegmentCutToHalfKeepsItsWholeBatchesAndEverySegmentAfterIt() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        List<Path> logs = writeHundred(config);
        Path first = logs.getFirst();
        try (RandomAccessFile raf = new RandomAccessFile(first.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        try (SegmentedLog log = openWatched(config)) {
            assertThat(truncations).isEmpty();
            assertThat(damaged).singleElement().asString().startsWith(first.getFileName().toString());
            List<CorruptLogException> errors = new ArrayList<>();
            List<String> read = readAround(log, errors);
            assertThat(errors).hasSize(1);
            long second = LogSegment.baseOffsetOf(logs.get(1));
            assertThat(read).isEqualTo(valuesExcept(errors.getFirst().firstOffset(), second));
            assertThat(errors.getFirst().firstOffset()).isPositive();
        }
        assertThat(logs).allMatch(Files::exists);
    }

    @Test
    void aMissingSegmentFileIsADamagedRangeNotTheEndOfTheLog() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        List<Path> logs = writeHundred(config);
        Path second = logs.get(1);
        Files.delete(second);
        Files.delete(dir.resolve(second.getFileName().toString().replace(".log", ".index")));
        try (SegmentedLog log = openWatched(config)) {
            List<CorruptLogException> errors = new ArrayList<>();
            List<String> read = readAround(log, errors);
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.firstOffset()).isEqualTo(LogSegment.baseOffsetOf(second));
                assertThat(e).hasMessageContaining("cut short or is missing");
            });
            assertThat(read).isEqualTo(valuesExcept(LogSegment.baseOffsetOf(second), LogSegment.baseOffsetOf(logs.get(2))));
        }
    }

    @Test
    void aCorruptBatchInAnIndexedSegmentFailsOnlyWhenReadAndTheBatchesAroundItAreServed() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        List<Path> logs = writeHundred(config);
        Path second = logs.get(1);
        LogTestSupport.flipByte(second, 200, 0xFF); // its index matches its size: the open trusts it, the read checks it
        try (SegmentedLog log = openWatched(config)) {
            assertThat(damaged).isEmpty();
            List<CorruptLogException> errors = new ArrayList<>();
            List<String> read = readAround(log, errors);
            CorruptLogException error = errors.getFirst();
            assertThat(errors).hasSize(1);
            assertThat(error.resumeOffset()).as("the batch's own header gives its end").hasValue(error.firstOffset() + 1);
            assertThat(read).isEqualTo(valuesExcept(error.firstOffset(), error.firstOffset() + 1));
        }
    }

    @Test
    void aReaderNeverServesCorruptBytesFromASealedSegment() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        try (SegmentedLog log = open(config)) {
            for (int i = 0; i < 100; i++) {
                appendBatch(log, "value-" + i);
            }
            Path first;
            try (var files = Files.list(dir)) {
                first = files.filter(p -> p.toString().endsWith(".log")).sorted().toList().getFirst();
            }
            try (RandomAccessFile raf = new RandomAccessFile(first.toFile(), "rw")) {
                raf.seek(40);
                int b = raf.read();
                raf.seek(40);
                raf.write(b ^ 0x01);
            }
            // the batches before the damaged one are served; the read that reaches it fails
            List<String> served = new ArrayList<>();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                        long offset = 0;
                        while (true) {
                            LogFetch fetch = log.read(offset, 4096);
                            fetch.forEach((o, t, array, start, length) -> served.add(new String(array, start, length,
                                    java.nio.charset.StandardCharsets.UTF_8)));
                            offset = fetch.nextOffset();
                        }
                    })
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(first.getFileName().toString())
                    .hasMessageContaining("crc mismatch");
            assertThat(served).isEqualTo(valuesExcept(served.size(), 100));
        }
    }

    @Test
    void aDamagedLengthThatSkipsToTheSegmentEndFailsTheReadInsteadOfEndingIt() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        List<Path> logs = writeHundred(config);
        Path first = logs.getFirst();
        long size = Files.size(first);
        try (RandomAccessFile raf = new RandomAccessFile(first.toFile(), "rw")) {
            raf.seek(0);
            raf.writeInt((int) size - RecordBatchFormat.LENGTH_FIELD_SIZE); // batch 0 now claims the whole file
        }
        try (SegmentedLog log = openWatched(config)) {
            assertThat(values(readAll(log, 1)).getFirst()).as("the skip no longer ends at the file's end").isEqualTo("value-1");
            assertThatThrownBy(() -> log.read(0, 4096)).isInstanceOfSatisfying(CorruptLogException.class,
                    e -> assertThat(e.resumeOffset()).hasValue(1));
            List<CorruptLogException> errors = new ArrayList<>();
            assertThat(readAround(log, errors)).isEqualTo(valuesExcept(0, 1));
        }
    }

    @Test
    void aReadOfDamageAtTheActiveEndFindsItsEndOnceWholeBatchesFollow() throws IOException {
        LogConfig config = LogConfig.defaults();
        try (SegmentedLog log = open(config)) {
            for (int i = 0; i < 5; i++) {
                appendBatch(log, "value-" + i);
            }
            LogTestSupport.flipByte(activeSegment(), 4 * 38 + 34, 0xFF); // a value of the last batch, while the log is open
            assertThatThrownBy(() -> log.read(4, 4096)).isInstanceOfSatisfying(CorruptLogException.class,
                    e -> assertThat(e.resumeOffset()).isEmpty());
            for (int i = 5; i < 10; i++) {
                appendBatch(log, "value-" + i);
            }
            assertThatThrownBy(() -> log.read(4, 4096)).isInstanceOfSatisfying(CorruptLogException.class,
                    e -> assertThat(e.resumeOffset()).hasValue(5));
            assertThat(values(readAll(log, 5))).hasSize(5).startsWith("value-5");
        }
    }

    @Test
    void aTimeSeekOverADamagedLengthEndsAndRetentionDeletesASegmentWithNothingWhole() throws Exception {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        List<Path> logs = writeHundred(config);
        Path first = logs.getFirst();
        Files.delete(dir.resolve(first.getFileName().toString().replace(".log", ".index")));
        Files.write(first, new byte[(int) Files.size(first)]); // zeroed: what a power loss can leave of an unsynced file
        Files.setLastModifiedTime(first, java.nio.file.attribute.FileTime.fromMillis(1000));
        try (SegmentedLog log = SegmentedLog.open(dir, config.withRetentionTime(java.time.Duration.ofMinutes(1)),
                java.time.Clock.systemUTC(), RecoveryListener.IGNORE)) {
            assertThat(log.damage()).singleElement().satisfies(e -> assertThat(e.firstOffset()).isZero());
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                    () -> assertThat(log.offsetForTime(0)).isBetween(0L, 100L));
            long removed = log.applyRetention(System.currentTimeMillis());
            assertThat(removed).as("the damaged segment's offsets").isEqualTo(LogSegment.baseOffsetOf(logs.get(1)));
            assertThat(first).doesNotExist();
            assertThat(log.damage()).isEmpty();
        }
    }

    @Test
    void aStrayCopyOfABatchIsNeitherServedTwiceNorDamage() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        List<Path> logs = writeHundred(config);
        Path second = logs.get(1);
        byte[] bytes = Files.readAllBytes(second);
        int firstBatch = java.nio.ByteBuffer.wrap(bytes).getInt(0) + RecordBatchFormat.LENGTH_FIELD_SIZE;
        byte[] doubled = new byte[bytes.length + firstBatch];
        System.arraycopy(bytes, 0, doubled, 0, firstBatch);
        System.arraycopy(bytes, 0, doubled, firstBatch, bytes.length);
        Files.write(second, doubled);
        assertThat(LogVerifier.verify(dir).intact()).isTrue();
        try (SegmentedLog log = openWatched(config)) {
            List<CorruptLogException> errors = new ArrayList<>();
            assertThat(readAround(log, errors)).isEqualTo(valuesExcept(0, 0));
            assertThat(errors).isEmpty();
            assertThat(log.damage()).isEmpty();
        }
    }
}
