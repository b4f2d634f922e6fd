package io.herald.embedded.meta;

import io.herald.log.FlushPolicy;
import io.herald.log.LogConfig;
import io.herald.log.LogFetch;
import io.herald.log.LogWriter;
import io.herald.log.RecordSet;
import io.herald.log.CorruptLogException;
import io.herald.log.SegmentedLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An internal topic that holds a state machine's history: a snapshot of the whole state followed
 * by the changes made since, each a record whose first byte says which it is. Replaying it from
 * the start rebuilds the state. {@link #compact} writes a fresh snapshot at the start of a new
 * segment and deletes the segments before it, so the history stays short: "compacted by
 * snapshots". One storage engine serves events and metadata alike.
 *
 * <p>Threading: the owner must append changes in the order it applies them (hold its own lock
 * around apply and {@link #append}); the log's writer keeps that order.
 */
public final class StateLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateLog.class);

    static final byte SNAPSHOT = 0;
    static final byte CHANGE = 1;

    private final LogWriter writer;
    private long changesSinceSnapshot;

    private StateLog(LogWriter writer) {
        this.writer = writer;
    }

    /**
     * Opens the log in {@code dir}, calls {@code replay} for every record in order ({@code true}
     * for a snapshot, which replaces the state), and starts its writer.
     */
    public static StateLog open(Path dir, String name, BiConsumer<Boolean, byte[]> replay) throws IOException {
        LogConfig config = LogConfig.defaults().withSegmentBytes(16L * 1024 * 1024);
        SegmentedLog log = SegmentedLog.open(dir, config, Clock.systemUTC(), new RecoveryLogger());
        long[] changes = {0};
        long offset = log.startOffset();
        while (offset < log.endOffset()) {
            LogFetch fetch;
            try {
                fetch = log.read(offset, 1 << 20);
            } catch (CorruptLogException e) {
                // a damaged record costs itself, never the records after it nor the store
                LOG.error("the {} store lost the records a damage holds and goes on after it: {}", name, e.getMessage());
                offset = e.resumeOffset().orElse(log.endOffset());
                continue;
            }
            fetch.forEach((o, t, array, start, length) -> {
                boolean snapshot = array[start] == SNAPSHOT;
                changes[0] = snapshot ? 0 : changes[0] + 1;
                replay.accept(snapshot, Arrays.copyOfRange(array, start + 1, start + length));
            });
            offset = fetch.nextOffset();
        }
        StateLog stateLog = new StateLog(new LogWriter(log, FlushPolicy.EVERY_BATCH, "herald-" + name + "-writer"));
        stateLog.changesSinceSnapshot = changes[0];
        return stateLog;
    }

    /** Appends a change; completes once it is on disk. */
    public CompletableFuture<Long> append(byte[] change) {
        changesSinceSnapshot++;
        return writer.append(RecordSet.of(tagged(CHANGE, change)));
    }

    public long changesSinceSnapshot() {
        return changesSinceSnapshot;
    }

    /**
     * Writes {@code snapshot} (the whole state as of every change appended so far) as the first
     * record of a new segment, then deletes the older segments. A crash part way leaves either the
     * old history or the old history followed by the snapshot; both replay to the same state.
     */
    public CompletableFuture<Void> compact(byte[] snapshot) {
        changesSinceSnapshot = 0;
        writer.submit(() -> {
            writer.log().roll();
            return null;
        });
        return writer.append(RecordSet.of(tagged(SNAPSHOT, snapshot)))
                .thenCompose(offset -> writer.submit(() -> {
                    writer.log().deleteBefore(offset);
                    return null;
                }));
    }

    private static byte[] tagged(byte tag, byte[] payload) {
        byte[] out = new byte[payload.length + 1];
        out[0] = tag;
        System.arraycopy(payload, 0, out, 1, payload.length);
        return out;
    }

    @Override
    public void close() {
        writer.close();
    }
}
