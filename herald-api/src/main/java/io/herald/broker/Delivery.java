package io.herald.broker;

import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;

/**
 * One attempt to hand an event to a consumer of a subscription. The consumer ends it with
 * {@link #ack()}, {@link #nack()} (try again later), {@link #reject(String)} (to the dead-letter
 * topic now) or keeps it with {@link #extend(Duration)}. A push handler that returns has acked;
 * one that throws has nacked.
 *
 * <p>Ending a delivery twice is harmless: only the first end counts. Thread-safe.
 */
public interface Delivery {

    Event event();

    String topic();

    String subscription();

    Position position();

    /** When the log appended the event. */
    Instant appendTime();

    /** 1 for the first delivery of this event to this subscription, 2 for the first retry, ... */
    int attempt();

    /** When the broker may hand the event to another consumer if this delivery has not ended. */
    Instant leaseDeadline();

    /** Done: the event will not be delivered to this subscription again. */
    void ack();

    /** Failed: deliver again after the subscription's retry policy's backoff. */
    void nack();

    /** Failed: deliver again, no sooner than after the given delay. */
    void nack(Duration delay);

    /** Failed for good: move the event to the subscription's dead-letter topic, with the reason. */
    void reject(String reason);

    /** Still working: push the lease deadline out by the given time. */
    void extend(Duration by);
}
