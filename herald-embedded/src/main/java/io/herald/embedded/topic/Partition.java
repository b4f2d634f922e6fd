package io.herald.embedded.topic;

import io.herald.broker.StartPosition;
import io.herald.broker.StorageException;
import io.herald.log.Log;
import io.herald.log.LogWriter;
import io.herald.log.RecordSet;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** One partition of a topic: its log and the writer thread that owns it. */
public final class Partition {

    private final String topic;
    private final int index;
    private final LogWriter writer;

    Partition(String topic, int index, LogWriter writer) {
        this.topic = topic;
        this.index = index;
        this.writer = writer;
    }

    public String topic() {
        return topic;
    }

    public int index() {
        return index;
    }

    /** For reads; changes go through {@link #append} and {@link #maintain}. */
    public Log log() {
        return writer.log();
    }

    /** The offset in this partition where a reader starting at {@code start} begins. */
    public long offsetFor(StartPosition start) {
        Log log = writer.log();
        try {
            return switch (start) {
                case StartPosition.Earliest e -> log.startOffset();
                case StartPosition.Latest l -> log.endOffset();
                case StartPosition.AtTime t -> log.offsetForTime(t.time().toEpochMilli());
                case StartPosition.AtOffset o -> clamp(log, o.offset());
                case StartPosition.AtOffsets o -> {
                    var listed = o.offset(index);
                    yield listed.isPresent() ? clamp(log, listed.getAsLong()) : log.endOffset();
                }
            };
        } catch (IOException e) {
            throw new StorageException("cannot look up " + start + " in " + this + ": " + e.getMessage(), e);
        }
    }

    private static long clamp(Log log, long offset) throws IOException {
        return Math.max(log.startOffset(), Math.min(offset, log.endOffset()));
    }

    public void append(RecordSet records, LogWriter.AppendCallback callback) {
        writer.append(records, callback);
    }

    /** Runs log maintenance (retention) on the writer thread. */
    public CompletableFuture<Long> applyRetention(long nowMillis) {
        return writer.submit(() -> writer.log().applyRetention(nowMillis));
    }

    /** {@code listener} runs on the writer thread each time new events become readable. */
    public void addListener(Runnable listener) {
        writer.addListener(listener);
    }

    public void removeListener(Runnable listener) {
        writer.removeListener(listener);
    }

    void close() {
        writer.close();
    }

    @Override
    public String toString() {
        return topic + "/" + index;
    }
}
