package io.herald.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogWriterTest {

    @TempDir
    Path dir;

    private static RecordSet record(String value) {
        return RecordSet.of(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void concurrentPublishersGetDistinctContiguousOffsetsInTheirOwnOrder() throws Exception {
        int threads = 8;
        int perThread = 2000;
        Map<Long, String> byOffset = new ConcurrentHashMap<>();
        try (LogWriter writer = new LogWriter(SegmentedLog.open(dir, LogConfig.defaults().withSegmentBytes(64 * 1024)),
                FlushPolicy.NEVER, "writer")) {
            List<Thread> publishers = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int id = t;
                publishers.add(Thread.ofPlatform().start(() -> {
                    awaitQuietly(start);
                    List<CompletableFuture<Long>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String value = id + ":" + i;
                        futures.add(writer.append(record(value)).whenComplete((o, e) -> byOffset.put(o, value)));
                    }
                    long previous = -1;
                    for (CompletableFuture<Long> f : futures) {
                        long offset = f.join();
                        assertThat(offset).isGreaterThan(previous);
                        previous = offset;
                    }
                }));
            }
            start.countDown();
            for (Thread p : publishers) {
                p.join();
            }
            assertThat(byOffset).hasSize(threads * perThread);
            assertThat(byOffset.keySet()).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.range(0, threads * perThread).boxed().toList());
            List<LogTestSupport.Record> read = LogTestSupport.readAll(writer.log(), 0);
            for (LogTestSupport.Record r : read) {
                assertThat(r.value()).isEqualTo(byOffset.get(r.offset()));
            }
        }
    }

    @Test
    void concurrentPublishersShareFsyncsAndAreAcknowledgedOnlyAfterTheirs() throws Exception {
        CountingLog log = new CountingLog(SegmentedLog.open(dir, LogConfig.defaults()));
        int publishers = 32;
        int perPublisher = 50;
        List<Long> acknowledgedBeforeSync = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LogWriter writer = new LogWriter(log, FlushPolicy.EVERY_BATCH, "writer")) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < publishers; t++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < perPublisher; i++) {
                        long offset = writer.append(record("x")).join(); // synchronous: waits for its fsync
                        if (offset >= log.syncedEnd) {
                            acknowledgedBeforeSync.add(offset);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(writer.log().endOffset()).isEqualTo(publishers * perPublisher);
        }
        assertThat(acknowledgedBeforeSync).as("acknowledged before an fsync covered them").isEmpty();
        assertThat(log.syncs.get()).as("fsyncs shared by publishers").isPositive().isLessThan(publishers * perPublisher);
    }

    @Test
    void anAppendCompletesOnlyAfterItIsVisibleToReaders() throws Exception {
        try (LogWriter writer = new LogWriter(SegmentedLog.open(dir, LogConfig.defaults()), FlushPolicy.EVERY_BATCH, "writer")) {
            Set<Long> seenAtCompletion = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                long offset = writer.append(record("v" + i)).thenApply(o -> {
                    seenAtCompletion.add(writer.log().endOffset() > o ? o : -1);
                    return o;
                }).join();
                assertThat(writer.log().endOffset()).isGreaterThan(offset);
            }
            assertThat(seenAtCompletion).doesNotContain(-1L);
        }
    }

    @Test
    void listenersHearEachVisibleBatch() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        try (LogWriter writer = new LogWriter(SegmentedLog.open(dir, LogConfig.defaults()), FlushPolicy.NEVER, "writer")) {
            writer.addListener(heard::incrementAndGet);
            writer.append(record("a")).join();
            await().until(() -> heard.get() >= 1);
        }
    }

    @Test
    void onlyTheWriterThreadMayChangeTheLog() throws Exception {
        try (LogWriter writer = new LogWriter(SegmentedLog.open(dir, LogConfig.defaults()), FlushPolicy.NEVER, "writer-7")) {
            assertThatThrownBy(() -> writer.log().roll())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writer-7")
                    .hasMessageContaining("LogWriter");
            assertThat(writer.submit(() -> {
                writer.log().roll();
                return "rolled";
            }).get()).isEqualTo("rolled");
        }
    }

    @Test
    void anIoErrorFailsTheBatchAndEveryLaterWriteUntilReopened() throws Exception {
        CountingLog log = new CountingLog(SegmentedLog.open(dir, LogConfig.defaults()));
        log.failAppendNumber = 3;
        LogWriter writer = new LogWriter(log, FlushPolicy.EVERY_BATCH, "writer");
        writer.append(record("1")).join();
        writer.append(record("2")).join();
        CompletableFuture<Long> third = writer.append(record("3"));
        assertThatThrownBy(third::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(LogFailedException.class)
                .hasMessageContaining("disk on fire");
        await().until(writer::isFailed);
        assertThatThrownBy(() -> writer.append(record("4")).join()).hasCauseInstanceOf(LogFailedException.class);
        writer.close();
        try (SegmentedLog reopened = SegmentedLog.open(dir, LogConfig.defaults())) {
            assertThat(LogTestSupport.values(LogTestSupport.readAll(reopened, 0))).containsExactly("1", "2");
        }
    }

    @Test
    void closeWritesWhatIsQueuedAndThenRefuses() throws Exception {
        LogWriter writer = new LogWriter(SegmentedLog.open(dir, LogConfig.defaults()), FlushPolicy.interval(java.time.Duration.ofHours(1)), "writer");
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            futures.add(writer.append(record("v" + i)));
        }
        writer.close();
        for (CompletableFuture<Long> f : futures) {
            assertThat(f).isCompleted();
        }
        assertThatThrownBy(() -> writer.append(record("late")).join()).hasCauseInstanceOf(LogClosedException.class);
        try (SegmentedLog reopened = SegmentedLog.open(dir, LogConfig.defaults())) {
            assertThat(reopened.endOffset()).isEqualTo(1000);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Counts appends and fsyncs, remembers how far the last fsync reached, and can fail the Nth
     * append the way a full disk would.
     */
    private static final class CountingLog implements Log {
        final Log delegate;
        final AtomicInteger appends = new AtomicInteger();
        final AtomicInteger syncs = new AtomicInteger();
        volatile long writtenEnd;
        volatile long syncedEnd;
        int failAppendNumber = -1;

        CountingLog(Log delegate) {
            this.delegate = delegate;
        }

        @Override
        public long append(ByteBuffer batch, int recordCount) throws IOException {
            if (appends.incrementAndGet() == failAppendNumber) {
                throw new IOException("disk on fire");
            }
            long base = delegate.append(batch, recordCount);
            writtenEnd = base + recordCount;
            return base;
        }

        @Override
        public void sync() throws IOException {
            long reach = writtenEnd;
            syncs.incrementAndGet();
            delegate.sync();
            syncedEnd = reach;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public long startOffset() {
            return delegate.startOffset();
        }

        @Override
        public long endOffset() {
            return delegate.endOffset();
        }

        @Override
        public long sizeInBytes() {
            return delegate.sizeInBytes();
        }

        @Override
        public void publish(long endOffset) {
            delegate.publish(endOffset);
        }

        @Override
        public LogFetch read(long offset, int maxBytes) throws IOException {
            return delegate.read(offset, maxBytes);
        }

        @Override
        public long offsetForTime(long epochMillis) throws IOException {
            return delegate.offsetForTime(epochMillis);
        }

        @Override
        public long applyRetention(long nowMillis) throws IOException {
            return delegate.applyRetention(nowMillis);
        }

        @Override
        public void roll() throws IOException {
            delegate.roll();
        }

        @Override
        public void deleteBefore(long offset) throws IOException {
            delegate.deleteBefore(offset);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }

        @Override
        public void delete() throws IOException {
            delegate.delete();
        }
    }
}
