package io.herald.broker;

/** Where a redrive sends dead letters: back to the subscription that gave up on them, or to a topic. */
public sealed interface RedriveTarget {

    /** Deliver them again to the subscription alone (other subscriptions are not disturbed), attempts from 1, in their key order. */
    static RedriveTarget subscription() {
        return new ToSubscription();
    }

    /** Publish the original events to a topic (every subscription of that topic sees them). */
    static RedriveTarget topic(String topic) {
        return new ToTopic(Names.requireValidTopic(topic));
    }

    record ToSubscription() implements RedriveTarget {
    }

    record ToTopic(String topic) implements RedriveTarget {
    }
}
