package io.herald.bench;

import io.herald.event.Event;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The events of the reliable-delivery workloads: 100 bytes of data, a partition key out of
 * {@value #KEYS} (so KEY ordering has 10,000 keys to run in parallel, and both systems place
 * each key in the same one of the 8 partitions: Herald's partitioner is Kafka's), and in the
 * data an index and a due time:
 *
 * <pre>data[0..8)  = System.nanoTime() at which the event was due (0: not timed)
 * data[8..16) = the event's index; the retry workload fails the first delivery of index % 100 &lt; percent</pre>
 *
 * The backlog events are built once per JVM ({@value #POOL} of them, key = index mod 10,000,
 * each with its own id) and published again and again; the paced events of a latency phase are
 * built as they are sent.
 */
final class KeyedEvents {

    static final int KEYS = 10_000;
    static final int POOL = 2 * KEYS;
    static final int DATA_BYTES = 100;
    static final int BATCH = 1000;
    /** An index that no failure percentage below 100 fails: for probe events. */
    static final long NEVER_FAILS = 99;

    private static volatile KeyedEvents shared;

    private final List<Event> events;

    private KeyedEvents() {
        SplittableRandom random = new SplittableRandom(7);
        List<Event> list = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            list.add(event(i, 0, random));
        }
        this.events = List.copyOf(list);
    }

    /** The backlog pool, built on first use. */
    static KeyedEvents pool() {
        KeyedEvents p = shared;
        if (p == null) {
            synchronized (KeyedEvents.class) {
                p = shared;
                if (p == null) {
                    shared = p = new KeyedEvents();
                }
            }
        }
        return p;
    }

    static String key(long index) {
        return "key-" + Math.floorMod(index, KEYS);
    }

    /** A new event with this index and due time (its key from the index). */
    static Event event(long index, long dueNanos, SplittableRandom random) {
        byte[] data = new byte[DATA_BYTES];
        random.nextBytes(data);
        ByteBuffer.wrap(data).putLong(dueNanos).putLong(index);
        return Event.builder().type(EventPool.TYPE).source(EventPool.SOURCE).partitionKey(key(index)).data(data).build();
    }

    /** The {@code i}-th batch of {@value #BATCH} pool events (cycling through the pool). */
    List<Event> batch(long i) {
        int from = (int) ((i * BATCH) % POOL);
        return events.subList(from, from + BATCH);
    }

    static long dueNanos(byte[] data) {
        return ByteBuffer.wrap(data).getLong(0);
    }

    static long index(byte[] data) {
        return ByteBuffer.wrap(data).getLong(8);
    }
}
