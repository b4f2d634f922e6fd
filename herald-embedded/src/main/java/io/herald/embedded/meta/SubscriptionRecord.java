package io.herald.embedded.meta;

import io.herald.broker.Ordering;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import java.time.Duration;

/** A subscription's definition as the metadata log stores it (JSON). */
public record SubscriptionRecord(String topic, String name, String ordering, String start, long sessionTimeoutMillis,
                                 long createdAt) {

    public static SubscriptionRecord of(String topic, String name, SubscriptionSpec spec, long createdAt) {
        return new SubscriptionRecord(topic, name, spec.ordering().name(), spec.start().toString(),
                spec.sessionTimeout().toMillis(), createdAt);
    }

    public SubscriptionSpec toSpec() {
        return new SubscriptionSpec(Ordering.valueOf(ordering), StartPosition.parse(start), Duration.ofMillis(sessionTimeoutMillis));
    }
}
