package io.herald.bench;

import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Events built once before a run, so that the measured loop publishes rather than builds: each
 * has its own UUIDv7 id, a type, a source, a time and {@code dataBytes} of random data. Both
 * systems get the same events; Kafka's record value is {@link EventBinaryFormat#encode} of one,
 * the bytes Herald stores for it.
 */
final class EventPool {

    static final int SIZE = 4096;
    static final int BATCH = 1000;
    static final String TYPE = "bench.event";
    static final String SOURCE = "/herald/bench";

    private final Event[] events;
    private final List<List<Event>> batches;
    private final int encodedBytes;

    EventPool(int dataBytes) {
        SplittableRandom random = new SplittableRandom(42);
        events = new Event[SIZE];
        for (int i = 0; i < SIZE; i++) {
            byte[] data = new byte[dataBytes];
            random.nextBytes(data);
            events[i] = Event.builder().type(TYPE).source(SOURCE).data(data).build();
        }
        encodedBytes = EventBinaryFormat.encode(events[0]).length;
        // BATCH-sized windows onto the pool, starting at different events
        batches = new ArrayList<>();
        List<Event> all = List.of(events);
        for (int start = 0; start + BATCH <= SIZE; start += BATCH / 4) {
            batches.add(all.subList(start, start + BATCH));
        }
    }

    Event event(long i) {
        return events[(int) (i & (SIZE - 1))];
    }

    List<Event> batch(long i) {
        return batches.get((int) (i % batches.size()));
    }

    /** The size of one encoded event: what each system stores and moves per event. */
    int encodedBytes() {
        return encodedBytes;
    }
}
