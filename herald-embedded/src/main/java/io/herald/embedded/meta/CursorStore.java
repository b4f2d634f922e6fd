package io.herald.embedded.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Subscription cursors (the next offset each subscription consumes, per partition), each with the
 * offsets above it already finished out of order (acked behind an event still pending, as
 * {@link io.herald.broker.spi.OffsetRanges} text), kept in the internal topic {@code __cursors}. A commit takes effect in memory at once, so a partition's
 * next owner starts where the last one stopped; {@link #flush} writes the commits made since the
 * previous flush as one record. The broker flushes every few milliseconds and on close: a crash
 * loses at most the last few milliseconds of commits, which means redelivery, never loss.
 * Thread-safe.
 */
public final class CursorStore implements AutoCloseable {

    private static final int COMPACT_AFTER_CHANGES = 2000;

    private final Map<CursorKey, Committed> cursors = new HashMap<>();
    private final Map<CursorKey, Committed> dirty = new LinkedHashMap<>();
    private final StateLog log;
    private CompletableFuture<?> lastWrite = CompletableFuture.completedFuture(null);

    private CursorStore(Path dir) throws IOException {
        this.log = StateLog.open(dir, "cursors", this::replay);
    }

    public static CursorStore open(Path dir) throws IOException {
        return new CursorStore(dir);
    }

    private void replay(boolean snapshot, byte[] bytes) {
        if (snapshot) {
            cursors.clear();
            Json.read(bytes, Snapshot.class).cursors().forEach(c -> cursors.put(c.key(), c.committed()));
        } else {
            apply(Json.read(bytes, Change.class));
        }
    }

    private void apply(Change change) {
        switch (change) {
            case Change.Commit c -> c.cursors().forEach(cursor -> cursors.put(cursor.key(), cursor.committed()));
            case Change.Forget f -> {
                cursors.keySet().removeIf(k -> k.topic().equals(f.topic()) && (f.subscription() == null || k.subscription().equals(f.subscription())));
                dirty.keySet().removeIf(k -> k.topic().equals(f.topic()) && (f.subscription() == null || k.subscription().equals(f.subscription())));
            }
        }
    }

    public synchronized OptionalLong cursor(String topic, String subscription, int partition) {
        Committed c = cursors.get(new CursorKey(topic, subscription, partition));
        return c == null ? OptionalLong.empty() : OptionalLong.of(c.offset());
    }

    /** The offsets above the cursor finished out of order, as committed with it (null: none). */
    public synchronized String finished(String topic, String subscription, int partition) {
        Committed c = cursors.get(new CursorKey(topic, subscription, partition));
        return c == null ? null : c.finished();
    }

    /** Sets a cursor; durable after the next {@link #flush}. */
    public void commit(String topic, String subscription, int partition, long offset) {
        commit(topic, subscription, partition, offset, null);
    }

    /** Sets a cursor and the offsets above it finished out of order ({@code finished}: OffsetRanges text, or null); durable after the next {@link #flush}. */
    public synchronized void commit(String topic, String subscription, int partition, long offset, String finished) {
        CursorKey key = new CursorKey(topic, subscription, partition);
        Committed c = new Committed(offset, finished);
        cursors.put(key, c);
        dirty.put(key, c);
    }

    /** Writes the commits made since the last flush; completes once they are on disk. */
    public synchronized CompletableFuture<?> flush() {
        if (!dirty.isEmpty()) {
            List<Cursor> batch = new ArrayList<>(dirty.size());
            dirty.forEach((k, v) -> batch.add(Cursor.of(k, v)));
            dirty.clear();
            lastWrite = log.append(Json.write(new Change.Commit(batch)));
            compactIfDue();
        }
        return lastWrite;
    }

    /** Forgets the cursors of a subscription (or, with a null subscription, of a whole topic); durable on return. */
    public void forget(String topic, String subscription) {
        CompletableFuture<?> write;
        synchronized (this) {
            Change.Forget change = new Change.Forget(topic, subscription);
            apply(change);
            write = lastWrite = log.append(Json.write(change));
            compactIfDue();
        }
        write.join();
    }

    private void compactIfDue() {
        if (log.changesSinceSnapshot() >= COMPACT_AFTER_CHANGES) {
            List<Cursor> all = new ArrayList<>(cursors.size());
            cursors.forEach((k, v) -> all.add(Cursor.of(k, v)));
            lastWrite = log.compact(Json.write(new Snapshot(all)));
        }
    }

    @Override
    public void close() {
        flush().join();
        log.close();
    }

    record CursorKey(String topic, String subscription, int partition) {
    }

    record Committed(long offset, String finished) {
    }

    /**
     * One cursor, with short JSON names: the cursor log is the busiest metadata log. {@code f},
     * the finished offsets above it, is left out when there are none (and absent from records
     * written before it existed).
     */
    record Cursor(String t, String s, int p, long o, @JsonInclude(JsonInclude.Include.NON_NULL) String f) {
        static Cursor of(CursorKey k, Committed c) {
            return new Cursor(k.topic(), k.subscription(), k.partition(), c.offset(), c.finished());
        }

        CursorKey key() {
            return new CursorKey(t, s, p);
        }

        Committed committed() {
            return new Committed(o, f);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Change.Commit.class, name = "commit"),
        @JsonSubTypes.Type(value = Change.Forget.class, name = "forget")
    })
    sealed interface Change {
        record Commit(List<Cursor> cursors) implements Change {
        }

        record Forget(String topic, String subscription) implements Change {
        }
    }

    record Snapshot(List<Cursor> cursors) {
    }
}
