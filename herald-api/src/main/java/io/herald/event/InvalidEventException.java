package io.herald.event;

import io.herald.error.HeraldException;

/** An event that breaks a CloudEvents 1.0 rule; names the attribute and what is wrong with it. */
public final class InvalidEventException extends HeraldException {

    private final String attribute;

    public InvalidEventException(String attribute, String problem) {
        super("invalid event: attribute '" + attribute + "' " + problem);
        this.attribute = attribute;
    }

    /** The CloudEvents attribute that is wrong, such as {@code source} or {@code traceparent}. */
    public String attribute() {
        return attribute;
    }
}
