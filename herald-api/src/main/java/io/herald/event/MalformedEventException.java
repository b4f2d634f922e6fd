package io.herald.event;

import io.herald.error.HeraldException;

/** Bytes that are not an event in {@link EventBinaryFormat} or CloudEvents JSON; says where they went wrong. */
public final class MalformedEventException extends HeraldException {

    public MalformedEventException(String message) {
        super("malformed event: " + message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super("malformed event: " + message, cause);
    }
}
