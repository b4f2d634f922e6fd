package io.herald.embedded.meta;

import io.herald.broker.ProcessedEvents;
import io.herald.broker.StorageException;
import io.herald.event.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The embedded {@link ProcessedEvents}: handled events per subscription, kept in the internal
 * topic {@code __processed} ({@link StateLog}, fsync per group commit) and forgotten after the
 * retention window. Memory holds what the window holds. Thread-safe.
 */
public final class ProcessedEventStore implements ProcessedEvents, AutoCloseable {

    private static final int COMPACT_AFTER_CHANGES = 10_000;

    private final Clock clock;
    private final Duration retention;
    /** Per subscription, event key to when it was recorded, oldest first. */
    private final Map<String, LinkedHashMap<String, Long>> processed = new HashMap<>();
    private final StateLog log;

    private ProcessedEventStore(Path dir, Duration retention, Clock clock) throws IOException {
        this.clock = clock;
        this.retention = retention;
        this.log = StateLog.open(dir, "processed", this::replay);
    }

    public static ProcessedEventStore open(Path dir, Duration retention, Clock clock) throws IOException {
        if (retention.isNegative() || retention.isZero()) {
            throw new io.herald.error.InvalidSpecException("the retention of processed events must be positive, got " + retention);
        }
        return new ProcessedEventStore(dir, retention, clock);
    }

    private void replay(boolean snapshot, byte[] bytes) {
        if (snapshot) {
            processed.clear();
        }
        for (Entry e : Json.read(bytes, Batch.class).entries()) {
            processed.computeIfAbsent(e.s(), k -> new LinkedHashMap<>()).put(e.k(), e.t());
        }
    }

    @Override
    public synchronized boolean contains(String subscription, Event event) {
        expire(subscription);
        Map<String, Long> seen = processed.get(subscription);
        return seen != null && seen.containsKey(key(event));
    }

    @Override
    public void record(String subscription, Event event) {
        java.util.concurrent.CompletableFuture<?> write;
        synchronized (this) {
            long now = clock.millis();
            processed.computeIfAbsent(subscription, k -> new LinkedHashMap<>()).put(key(event), now);
            write = log.append(Json.write(new Batch(List.of(new Entry(subscription, key(event), now)))));
            if (log.changesSinceSnapshot() >= COMPACT_AFTER_CHANGES) {
                processed.keySet().forEach(this::expire);
                List<Entry> all = new ArrayList<>();
                processed.forEach((s, m) -> m.forEach((k, t) -> all.add(new Entry(s, k, t))));
                write = log.compact(Json.write(new Batch(all)));
            }
        }
        try {
            write.join();
        } catch (CompletionException e) {
            throw new StorageException("cannot record a processed event: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void expire(String subscription) {
        LinkedHashMap<String, Long> seen = processed.get(subscription);
        if (seen == null) {
            return;
        }
        long oldest = clock.millis() - retention.toMillis();
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next() >= oldest) {
                break;
            }
            it.remove();
        }
    }

    private static String key(Event event) {
        return event.source() + " " + event.id();
    }

    @Override
    public void close() {
        log.close();
    }

    /** One record, with short JSON names: subscription, event key, time. */
    record Entry(String s, String k, long t) {
    }

    record Batch(List<Entry> entries) {
    }
}
