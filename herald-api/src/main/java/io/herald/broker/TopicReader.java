package io.herald.broker;

import java.time.Duration;
import java.util.List;

/**
 * Reads a topic's partitions in offset order without a subscription: nothing is committed and no
 * group is joined (a Kafka consumer with {@code assign} and {@code seek}). For tools and replays.
 * Not thread-safe.
 */
public interface TopicReader extends AutoCloseable {

    /** Up to {@code max} events, waiting up to {@code wait} for the first; empty at the end. */
    List<StoredEvent> poll(int max, Duration wait);

    /** Moves every partition's read position. */
    void seek(StartPosition position);

    /**
     * Where the reader stands: per partition, the offset of the next event it will return. A
     * reader started at {@code StartPosition.offsets(positions())} goes on exactly from here,
     * which is how a client resumes a read (the server's resume token, a Server-Sent Events
     * {@code Last-Event-ID}).
     */
    java.util.SortedMap<Integer, Long> positions();

    @Override
    void close();
}
