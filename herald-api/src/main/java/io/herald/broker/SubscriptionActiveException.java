package io.herald.broker;

import io.herald.error.HeraldException;
import java.util.List;

/** An operation that needs a subscription without members (reset, delete) while it has some. */
public final class SubscriptionActiveException extends HeraldException {

    public SubscriptionActiveException(String topic, String subscription, String operation, List<String> members) {
        super("cannot " + operation + " subscription '" + subscription + "' on topic '" + topic + "' while it has "
                + members.size() + " active member(s) " + members + "; close them first");
    }
}
