package io.herald.embedded.dispatch;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;

/**
 * A delivery of a subscription with ordering {@code KEY} or {@code NONE}: a lease on one event.
 * Ending it after the lease expired (or twice) does nothing: the event has been handed on.
 */
final class QueueDelivery implements Delivery {

    private final Dispatcher dispatcher;
    private final Entry entry;
    private final int epoch;
    private final int attempt;

    QueueDelivery(Dispatcher dispatcher, Entry entry, int epoch, int attempt, long leaseDeadline) {
        this.dispatcher = dispatcher;
        this.entry = entry;
        this.epoch = epoch;
        this.attempt = attempt;
    }

    @Override
    public Event event() {
        return entry.stored.event();
    }

    @Override
    public String topic() {
        return entry.stored.topic();
    }

    @Override
    public String subscription() {
        return dispatcher.subscription();
    }

    @Override
    public Position position() {
        return entry.position();
    }

    @Override
    public Instant appendTime() {
        return entry.stored.appendTime();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant leaseDeadline() {
        return Instant.ofEpochMilli(dispatcher.leaseDeadline(entry, epoch));
    }

    @Override
    public void ack() {
        dispatcher.ack(entry, epoch);
    }

    @Override
    public void nack() {
        dispatcher.nack(entry, epoch, null, null);
    }

    @Override
    public void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        dispatcher.nack(entry, epoch, delay, null);
    }

    /** A push handler's failure: retried per the policy, which sees the exception. */
    void fail(Throwable error) {
        dispatcher.nack(entry, epoch, null, error);
    }

    @Override
    public void reject(String reason) {
        dispatcher.reject(entry, epoch, reason);
    }

    @Override
    public void extend(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a lease extension cannot be negative, got " + by);
        }
        dispatcher.extend(entry, epoch, by);
    }

    @Override
    public String toString() {
        return "Delivery{" + topic() + " " + position() + " attempt " + attempt + ", " + event().id() + "}";
    }
}
