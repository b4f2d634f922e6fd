package io.herald.broker;

import io.herald.event.Event;

/**
 * A durable record of the events a subscription's handler has finished, kept for a retention
 * window, so that a redelivery of one of them (after a lost ack, an expired lease, a restart) is
 * recognised. An event is known by its CloudEvents identity: source and id. Thread-safe.
 *
 * <p>It makes an effect happen once across redeliveries, not across a crash between the effect
 * and {@link #record}: for that the effect and the record must share a transaction (the database
 * inbox).
 */
public interface ProcessedEvents {

    boolean contains(String subscription, Event event);

    /** Records the event as handled; durable when this returns. */
    void record(String subscription, Event event);

    /**
     * The handler, made idempotent: an event already recorded is acked without calling it; one
     * that it handles without an exception is recorded before it is acked.
     */
    default DeliveryHandler idempotent(String subscription, DeliveryHandler handler) {
        return delivery -> {
            if (contains(subscription, delivery.event())) {
                return;
            }
            handler.handle(delivery);
            record(subscription, delivery.event());
        };
    }
}
