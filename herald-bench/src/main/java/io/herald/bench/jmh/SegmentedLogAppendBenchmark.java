package io.herald.bench.jmh;

import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.log.FlushPolicy;
import io.herald.log.LogConfig;
import io.herald.log.RecordBatchFormat;
import io.herald.log.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SegmentedLog#append} + {@code publish} of one batch of 100-byte events with flush
 * policy NEVER (the writer thread's work per group commit, minus the copy into its buffer):
 * header and CRC32C, the positional write into the page cache, the sparse index, segment rolls
 * every 64 MiB (each roll seals, and so fsyncs, the old segment). Retention keeps the log near
 * 256 MiB so that a long run does not fill the disk. The score is per batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SegmentedLogAppendBenchmark {

    private static final long RETAIN_BYTES = 256L << 20;

    /** Events per batch: 1,000 (one {@code publish(topic, List)} call) or ~7,000 (a full 1 MiB group commit). */
    @Param({"1000", "7000"})
    int events;

    private Path dir;
    private SegmentedLog log;
    private ByteBuffer batch;
    private int batchEnd;
    private long sinceRetention;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("herald-jmh-log");
        log = SegmentedLog.open(dir, LogConfig.defaults().withFlushPolicy(FlushPolicy.NEVER).withRetentionBytes(RETAIN_BYTES));
        SplittableRandom random = new SplittableRandom(1);
        batch = ByteBuffer.allocateDirect(2 << 20);
        batch.position(RecordBatchFormat.HEADER_SIZE);
        byte[] framing = new byte[5];
        for (int i = 0; i < events; i++) {
            byte[] data = new byte[100];
            random.nextBytes(data);
            byte[] encoded = EventBinaryFormat.encode(Event.builder().type("bench.event").source("/herald/bench").data(data).build());
            int n = RecordBatchFormat.putVarInt(framing, 0, encoded.length);
            batch.put(framing, 0, n).put(encoded);
        }
        batchEnd = batch.position();
    }

    @Benchmark
    public long append() throws IOException {
        batch.limit(batchEnd).position(0);
        long base = log.append(batch, events);
        log.publish(base + events);
        sinceRetention += batchEnd;
        if (sinceRetention > RETAIN_BYTES) {
            log.applyRetention(System.currentTimeMillis());
            sinceRetention = 0;
        }
        return base;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
