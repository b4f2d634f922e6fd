package io.herald.log;

import static io.herald.log.LogTestSupport.appendBatch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogVerifierTest {

    @TempDir
    Path dir;

    private List<Path> writeHundred() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, LogConfig.defaults().withSegmentBytes(1024))) {
            for (int i = 0; i < 100; i++) {
                appendBatch(log, "value-" + i);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    @Test
    void aWholeLogIsIntactWithEveryEventCounted() throws IOException {
        List<Path> logs = writeHundred();
        LogVerifier.Report report = LogVerifier.verify(dir);
        assertThat(report.intact()).isTrue();
        assertThat(report.segments()).isEqualTo(logs.size());
        assertThat(report.startOffset()).isZero();
        assertThat(report.endOffset()).isEqualTo(100);
        assertThat(report.readableEvents()).isEqualTo(100);
        assertThat(report.tornTail()).isNull();
        assertThat(report.staleIndexes()).isEmpty();
        assertThat(report.bytes()).isEqualTo(logs.stream().mapToLong(p -> p.toFile().length()).sum());
    }

    @Test
    void aTornTailOfTheLastSegmentIsWhatTheNextOpenCutsNotDamage() throws IOException {
        List<Path> logs = writeHundred();
        Files.write(logs.getLast(), new byte[] {0, 0, 0, 40, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
        LogVerifier.Report report = LogVerifier.verify(dir);
        assertThat(report.intact()).isTrue();
        assertThat(report.tornTail()).contains("6 bytes after the last whole batch", "the next open cuts them");
        assertThat(report.readableEvents()).isEqualTo(100);
    }

    @Test
    void damageInTheLastSegmentBeforeWholeBatchesIsARangeAndTheOpenKeepsWhatFollows() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, LogConfig.defaults())) {
            for (int i = 0; i < 100; i++) {
                appendBatch(log, "value-" + i);
            }
        }
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(p -> p.toString().endsWith(".log")).toList();
        }
        LogTestSupport.flipByte(logs.getLast(), 70, 0xFF); // a value of the second batch (38 bytes each): its length still frames it
        LogVerifier.Report report = LogVerifier.verify(dir);
        assertThat(report.intact()).isFalse();
        assertThat(report.damage()).singleElement().satisfies(d -> {
            assertThat(d.file()).isEqualTo(logs.getLast());
            assertThat(d.problem()).contains("crc mismatch");
            assertThat(d.firstOffset()).isEqualTo(1);
            assertThat(d.endOffset()).isEqualTo(2);
        });
        assertThat(report.readableEvents()).isEqualTo(99);
        assertThat(report.tornTail()).isNull();
        try (SegmentedLog log = SegmentedLog.open(dir, LogConfig.defaults())) {
            assertThat(log.endOffset()).as("nothing cut").isEqualTo(100);
            assertThat(log.damage()).singleElement().satisfies(e -> assertThat(e.resumeOffset()).hasValue(2));
            assertThat(LogTestSupport.values(LogTestSupport.readAll(log, 2))).hasSize(98).startsWith("value-2").endsWith("value-99");
            assertThat(appendBatch(log, "next")).isEqualTo(100);
        }
    }

    @Test
    void aStaleIndexIsReportedAsRebuiltNotAsDamage() throws IOException {
        List<Path> logs = writeHundred();
        Path index = dir.resolve(logs.getFirst().getFileName().toString().replace(".log", ".index"));
        Files.delete(index);
        LogVerifier.Report report = LogVerifier.verify(dir);
        assertThat(report.intact()).isTrue();
        assertThat(report.staleIndexes()).containsExactly(index);
    }
}
