package io.herald.embedded.topic;

import io.herald.broker.EventTooLargeException;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.log.RecordSet;

/**
 * Encodes events for the log on the publishing thread, checking the size limit, so that the
 * partition's writer only copies bytes. Thread-safe (a scratch buffer per platform thread).
 */
public final class EventEncoder {

    private static final int SCRATCH_BYTES = 64 * 1024;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    private final int maxEventBytes;

    public EventEncoder(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** The event's encoded form; throws {@link EventTooLargeException} past the limit. */
    public byte[] encode(Event event) {
        RecordSet.Builder one = RecordSet.builder(16);
        encodeInto(event, one);
        return EventBinaryFormat.encode(event);
    }

    /** Adds the event's encoded form to {@code records}; throws {@link EventTooLargeException} past the limit. */
    void encodeInto(Event event, RecordSet.Builder records) {
        encodeInto(event, records, null);
    }

    /**
     * The same, encoding through {@code scratch} when it is large enough (null: none yet); returns
     * the buffer it used, for the caller to pass with the next event of a batch. A virtual thread
     * (a server's request) lives for one call, so a thread-local buffer would be a new 64 KiB array
     * per publish: it gets an array of the event's size instead, which serves the rest of the batch.
     */
    byte[] encodeInto(Event event, RecordSet.Builder records, byte[] scratch) {
        if (event.dataLength() > maxEventBytes) {
            throw new EventTooLargeException(event.id(), event.dataLength(), maxEventBytes);
        }
        int bound = EventBinaryFormat.maxEncodedSize(event);
        byte[] buffer = scratch != null && scratch.length >= bound ? scratch
                : bound <= SCRATCH_BYTES && !Thread.currentThread().isVirtual() ? SCRATCH.get() : new byte[bound];
        int length = EventBinaryFormat.encode(event, buffer, 0);
        if (length > maxEventBytes) {
            throw new EventTooLargeException(event.id(), length, maxEventBytes);
        }
        records.add(buffer, 0, length);
        return buffer;
    }
}
