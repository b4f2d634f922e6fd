package io.herald.broker;

import io.herald.error.HeraldException;

/** A subscription that does not exist on the topic. */
public final class SubscriptionNotFoundException extends HeraldException {

    public SubscriptionNotFoundException(String topic, String subscription) {
        super("subscription '" + subscription + "' does not exist on topic '" + topic + "'");
    }
}
