package io.herald.log;

import static io.herald.log.LogTestSupport.appendBatch;
import static io.herald.log.LogTestSupport.readAll;
import static io.herald.log.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Breaks the log's files on purpose and checks that recovery cuts exactly the bad tail. */
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

    @Test
    void corruptionInsideASealedSegmentWithoutIndexCutsThereAndDropsLaterSegments() throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(1024);
        try (SegmentedLog log = open(config)) {
            for (int i = 0; i < 100; i++) {
                appendBatch(log, "value-" + i);
            }
        }
        List<Path> logs;
        try (var files = Files.list(dir)) {
            logs = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        Path second = logs.get(1);
        Files.delete(dir.resolve(second.getFileName().toString().replace(".log", ".index")));
        try (RandomAccessFile raf = new RandomAccessFile(second.toFile(), "rw")) {
            raf.seek(200);
            int b = raf.read();
            raf.seek(200);
            raf.write(b ^ 0xFF);
        }
        try (SegmentedLog log = open(config)) {
            List<String> read = values(readAll(log, 0));
            assertThat(read).isNotEmpty().hasSizeLessThan(100);
            for (int i = 0; i < read.size(); i++) {
                assertThat(read.get(i)).isEqualTo("value-" + i);
            }
            assertThat(truncations).anyMatch(t -> t.contains("crc mismatch"));
            assertThat(log.segmentCount()).isEqualTo(2);
            assertThat(appendBatch(log, "next")).isEqualTo(read.size());
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
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.read(0, 4096))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining(first.getFileName().toString())
                    .hasMessageContaining("crc mismatch");
        }
    }
}
