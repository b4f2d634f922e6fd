package io.herald.log;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Small tools for driving a log by hand in tests, without a writer thread. */
final class LogTestSupport {

    private LogTestSupport() {
    }

    /** Appends the values as one batch and publishes it; returns the base offset. */
    static long appendBatch(Log log, String... values) throws IOException {
        RecordSet.Builder records = RecordSet.builder(64);
        for (String v : values) {
            records.add(v.getBytes(StandardCharsets.UTF_8));
        }
        RecordSet set = records.build();
        ByteBuffer buf = ByteBuffer.allocate(RecordBatchFormat.HEADER_SIZE + set.sizeInBytes());
        buf.position(RecordBatchFormat.HEADER_SIZE);
        buf.put(set.bytes(), 0, set.sizeInBytes());
        buf.flip();
        long base = log.append(buf, set.count());
        log.sync();
        log.publish(base + set.count());
        return base;
    }

    /** Every record from {@code from} to the end, as (offset, value). */
    static List<Record> readAll(Log log, long from) throws IOException {
        List<Record> out = new ArrayList<>();
        long offset = from;
        while (offset < log.endOffset()) {
            LogFetch fetch = log.read(offset, 1000);
            fetch.forEach((o, t, array, off, len) -> out.add(new Record(o, new String(array, off, len, StandardCharsets.UTF_8))));
            offset = fetch.nextOffset();
        }
        return out;
    }

    static List<String> values(List<Record> records) {
        return records.stream().map(Record::value).toList();
    }

    record Record(long offset, String value) {
    }

    /** Damages {@code file} on purpose: the byte at {@code at} flipped by {@code mask}. */
    static void flipByte(Path file, long at, int mask) throws IOException {
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ mask);
        }
    }

    /** The size of every file in {@code dir}: what a check that nothing was cut or deleted compares. */
    static java.util.Map<Path, Long> sizes(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            return files.collect(java.util.stream.Collectors.toMap(p -> p, p -> p.toFile().length()));
        }
    }

    /** A clock a test moves by hand. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis;

        ManualClock(long startMillis) {
            this.millis = new AtomicLong(startMillis);
        }

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
