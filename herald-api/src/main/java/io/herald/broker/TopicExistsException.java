package io.herald.broker;

import io.herald.error.HeraldException;

/** A topic created under a name already taken. */
public final class TopicExistsException extends HeraldException {

    private final String topic;

    public TopicExistsException(String topic) {
        super("topic '" + topic + "' already exists");
        this.topic = topic;
    }

    /** Taken in a way the plain message would not explain, such as data left on disk: {@code detail} says how. */
    public TopicExistsException(String topic, String detail) {
        super("topic '" + topic + "' already exists: " + detail);
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
