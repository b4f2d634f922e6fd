package io.herald.broker;

import io.herald.error.HeraldException;

/** An event whose encoded size passes the broker's limit. */
public final class EventTooLargeException extends HeraldException {

    private final long size;
    private final long limit;

    public EventTooLargeException(String eventId, long size, long limit) {
        super("event '" + eventId + "' is " + size + " bytes encoded; the limit is " + limit + " bytes");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
