package io.herald.broker;

import io.herald.error.HeraldException;

/** A topic that does not exist (or was deleted). */
public final class TopicNotFoundException extends HeraldException {

    private final String topic;

    public TopicNotFoundException(String topic) {
        super("topic '" + topic + "' does not exist");
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
