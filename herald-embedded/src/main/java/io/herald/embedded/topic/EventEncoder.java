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
        if (event.dataLength() > maxEventBytes) {
            throw new EventTooLargeException(event.id(), event.dataLength(), maxEventBytes);
        }
        int bound = EventBinaryFormat.maxEncodedSize(event);
        // a virtual thread (a server's request) lives for one call: a thread-local buffer would be a
        // new 64 KiB array per publish, so it gets one of the event's size instead
        byte[] scratch = bound <= SCRATCH_BYTES && !Thread.currentThread().isVirtual() ? SCRATCH.get() : new byte[bound];
        int length = EventBinaryFormat.encode(event, scratch, 0);
        if (length > maxEventBytes) {
            throw new EventTooLargeException(event.id(), length, maxEventBytes);
        }
        records.add(scratch, 0, length);
    }
}
