package io.herald.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Any sequence of appends, reads, retention runs, rolls, reopens and torn tails reads back exactly
 * what was appended and not deleted, in order, at the same offsets.
 */
class LogProperties {

    sealed interface Op permits Append, Read, Retention, Roll, Reopen, TornTail {
    }

    record Append(List<String> values) implements Op {
    }

    record Read(double at) implements Op {
    }

    record Retention(long advanceMillis) implements Op {
    }

    record Roll() implements Op {
    }

    record Reopen() implements Op {
    }

    /** A crash in the middle of a write that was never acknowledged: garbage after the last batch. */
    record TornTail(byte[] garbage) implements Op {
    }

    private static final LogConfig CONFIG = LogConfig.defaults()
            .withSegmentBytes(1024)
            .withIndexIntervalBytes(100)
            .withRetentionBytes(6000)
            .withRetentionTime(Duration.ofMinutes(30));

    @Property(tries = 200)
    void readsBackWhatWasAppendedAndNotDeleted(@ForAll("ops") @Size(max = 60) List<Op> ops) throws IOException {
        Path dir = Files.createTempDirectory("log-property");
        LogTestSupport.ManualClock clock = new LogTestSupport.ManualClock(1_700_000_000_000L);
        List<String> model = new ArrayList<>(); // index = offset
        long modelStart = 0;
        SegmentedLog log = SegmentedLog.open(dir, CONFIG, clock, RecoveryListener.IGNORE);
        try {
            for (Op op : ops) {
                switch (op) {
                    case Append a -> {
                        long base = LogTestSupport.appendBatch(log, a.values().toArray(String[]::new));
                        assertThat(base).isEqualTo(model.size());
                        model.addAll(a.values());
                    }
                    case Read r -> {
                        long from = modelStart + (long) (r.at() * (model.size() - modelStart));
                        assertThat(LogTestSupport.values(LogTestSupport.readAll(log, from)))
                                .containsExactlyElementsOf(model.subList((int) from, model.size()));
                    }
                    case Retention r -> {
                        clock.advance(r.advanceMillis());
                        log.applyRetention(clock.millis());
                        assertThat(log.startOffset()).isGreaterThanOrEqualTo(modelStart).isLessThanOrEqualTo(model.size());
                        modelStart = log.startOffset();
                    }
                    case Roll ignored -> log.roll();
                    case Reopen ignored -> {
                        log.close();
                        log = SegmentedLog.open(dir, CONFIG, clock, RecoveryListener.IGNORE);
                    }
                    case TornTail t -> {
                        log.close();
                        Files.write(activeSegment(dir), t.garbage(), StandardOpenOption.APPEND);
                        log = SegmentedLog.open(dir, CONFIG, clock, RecoveryListener.IGNORE);
                    }
                }
                assertThat(log.startOffset()).isEqualTo(modelStart);
                assertThat(log.endOffset()).isEqualTo(model.size());
            }
            assertThat(LogTestSupport.values(LogTestSupport.readAll(log, modelStart)))
                    .containsExactlyElementsOf(model.subList((int) modelStart, model.size()));
        } finally {
            log.close();
            deleteRecursively(dir);
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<String> value = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(300);
        Arbitrary<Op> append = value.list().ofMinSize(1).ofMaxSize(5).map(Append::new);
        Arbitrary<Op> read = Arbitraries.doubles().between(0, 1).map(Read::new);
        Arbitrary<Op> retention = Arbitraries.longs().between(0, Duration.ofMinutes(20).toMillis()).map(Retention::new);
        Arbitrary<Op> roll = Arbitraries.just(new Roll());
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        Arbitrary<Op> torn = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(80).map(TornTail::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, append),
                net.jqwik.api.Tuple.of(3, read),
                net.jqwik.api.Tuple.of(2, retention),
                net.jqwik.api.Tuple.of(1, roll),
                net.jqwik.api.Tuple.of(1, reopen),
                net.jqwik.api.Tuple.of(1, torn)).list();
    }

    private static Path activeSegment(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log")).max(Comparator.naturalOrder()).orElseThrow();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
