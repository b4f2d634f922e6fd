package io.herald.embedded.delay;

import io.herald.broker.StorageException;
import io.herald.broker.TopicNotFoundException;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.meta.RecoveryLogger;
import io.herald.embedded.topic.EventEncoder;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.log.FlushPolicy;
import io.herald.log.LogConfig;
import io.herald.log.LogFetch;
import io.herald.log.LogWriter;
import io.herald.log.RecordSet;
import io.herald.log.CorruptLogException;
import io.herald.log.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events published for later: kept in the internal topic {@code __delayed} (fsync ALWAYS) and
 * appended to their topic when due, in the order they were given; until then no subscription
 * and no reader sees them. Which of them were released is kept in {@link DeliveryStateStore}
 * under the name {@value #RESOLUTION_KEY}, so a restart releases exactly the rest (a crash
 * between an append and its record may release one twice: at least once, never lost).
 *
 * <pre>
 * record = int8 version (1), int64 deliver-at epoch ms, int16 topic length, topic (UTF-8), event ({@link EventBinaryFormat})
 * </pre>
 *
 * <p>Threading: publishers call {@link #schedule} from any thread; one thread releases.
 */
public final class DelayedEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DelayedEvents.class);
    static final String RESOLUTION_KEY = "__delayed";
    private static final byte VERSION = 1;
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LogWriter writer;
    private final TopicRegistry topics;
    private final DeliveryStateStore states;
    private final EventEncoder encoder;
    private final Clock clock;
    private final PriorityQueue<Scheduled> pending = new PriorityQueue<>();
    private final Thread releaser;
    private volatile boolean closed;

    private DelayedEvents(LogWriter writer, TopicRegistry topics, DeliveryStateStore states, EventEncoder encoder, Clock clock) {
        this.writer = writer;
        this.topics = topics;
        this.states = states;
        this.encoder = encoder;
        this.clock = clock;
        this.releaser = Thread.ofPlatform().name("herald-delayed").daemon(true).unstarted(this::releaseLoop);
    }

    public static DelayedEvents open(Path dir, TopicRegistry topics, DeliveryStateStore states, EventEncoder encoder, Clock clock)
            throws IOException {
        SegmentedLog log = SegmentedLog.open(dir, LogConfig.defaults().withSegmentBytes(16L * 1024 * 1024), clock, new RecoveryLogger());
        DelayedEvents delayed = new DelayedEvents(new LogWriter(log, FlushPolicy.EVERY_BATCH, "herald-delayed-writer"), topics, states,
                encoder, clock);
        delayed.load(log);
        delayed.releaser.start();
        return delayed;
    }

    /** Reads the schedules not yet released. */
    private void load(SegmentedLog log) throws IOException {
        long offset = Math.max(log.startOffset(), states.resolvedBelow(RESOLUTION_KEY, 0));
        while (offset < log.endOffset()) {
            LogFetch fetch;
            try {
                fetch = log.read(offset, 1 << 20);
            } catch (CorruptLogException e) {
                // damaged schedules are lost, with an error that says where; the others are kept
                LOG.error("delayed events in a damaged range cannot be read and will not be delivered: {}", e.getMessage());
                offset = e.resumeOffset().orElse(log.endOffset());
                continue;
            }
            fetch.forEach((o, t, array, start, length) -> {
                if (!states.isResolved(RESOLUTION_KEY, 0, o)) {
                    ByteBuffer b = ByteBuffer.wrap(array, start, length);
                    b.get();
                    long deliverAt = b.getLong();
                    pending.add(new Scheduled(deliverAt, o));
                }
            });
            offset = fetch.nextOffset();
        }
    }

    /** Keeps the events for {@code topic} until {@code deliverAt}; completes once they are on disk. */
    public CompletableFuture<Void> schedule(Topic topic, List<Event> events, Instant deliverAt) {
        byte[] name = topic.name().getBytes(StandardCharsets.UTF_8);
        RecordSet.Builder records = RecordSet.builder(events.size() * 256);
        List<byte[]> encoded = new ArrayList<>(events.size());
        for (Event e : events) {
            encoded.add(encoder.encode(e)); // checks every size before anything is kept
        }
        long at = deliverAt.toEpochMilli();
        for (byte[] event : encoded) {
            ByteBuffer record = ByteBuffer.allocate(1 + 8 + 2 + name.length + event.length);
            record.put(VERSION).putLong(at).putShort((short) name.length).put(name).put(event);
            records.add(record.array());
        }
        int count = events.size();
        return writer.append(records.build()).thenAccept(base -> {
            synchronized (pending) {
                for (int i = 0; i < count; i++) {
                    pending.add(new Scheduled(at, base + i));
                }
            }
            LockSupport.unpark(releaser);
        });
    }

    public int pendingCount() {
        synchronized (pending) {
            return pending.size();
        }
    }

    private void releaseLoop() {
        while (!closed) {
            Scheduled next;
            synchronized (pending) {
                next = pending.peek();
            }
            long now = clock.millis();
            if (next == null || next.deliverAt > now) {
                long wait = next == null ? IDLE_NANOS : TimeUnit.MILLISECONDS.toNanos(Math.min(next.deliverAt - now, 1000));
                LockSupport.parkNanos(this, Math.max(1, wait));
                continue;
            }
            try {
                release(next);
                synchronized (pending) {
                    pending.remove(next);
                }
            } catch (RuntimeException | IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("cannot release a delayed event yet; trying again", e);
                LockSupport.parkNanos(this, RETRY_NANOS);
            }
        }
    }

    /** Appends a due event to its topic (waiting for the append), then records that it went. */
    private void release(Scheduled s) throws IOException {
        LogFetch fetch = writer.log().read(s.offset, 64 * 1024);
        byte[][] holder = new byte[1][];
        int[] bounds = new int[2];
        fetch.forEach((o, t, array, start, length) -> {
            if (o == s.offset) {
                holder[0] = array;
                bounds[0] = start;
                bounds[1] = length;
            }
        });
        if (holder[0] == null) {
            throw new StorageException("delayed event at offset " + s.offset + " cannot be read");
        }
        ByteBuffer b = ByteBuffer.wrap(holder[0], bounds[0], bounds[1]);
        b.get();
        b.getLong();
        byte[] name = new byte[b.getShort()];
        b.get(name);
        Event event = EventBinaryFormat.decode(holder[0], b.position(), bounds[0] + bounds[1] - b.position());
        try {
            topics.get(new String(name, StandardCharsets.UTF_8)).publish(event).join();
        } catch (TopicNotFoundException gone) {
            LOG.warn("dropping a delayed event for the deleted topic '{}'", new String(name, StandardCharsets.UTF_8));
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof TopicNotFoundException)) {
                throw e;
            }
        }
        states.resolve(RESOLUTION_KEY, 0, s.offset);
        long releasedBelow = states.resolvedBelow(RESOLUTION_KEY, 0);
        if (releasedBelow > writer.log().startOffset()) {
            writer.submit(() -> {
                writer.log().deleteBefore(releasedBelow);
                return null;
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(releaser);
        try {
            releaser.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }

    private record Scheduled(long deliverAt, long offset) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int byTime = Long.compare(deliverAt, o.deliverAt);
            return byTime != 0 ? byTime : Long.compare(offset, o.offset);
        }
    }
}
