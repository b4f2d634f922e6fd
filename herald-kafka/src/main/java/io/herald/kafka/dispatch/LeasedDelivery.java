package io.herald.kafka.dispatch;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A delivery of a {@code KEY} or {@code NONE} subscription: a lease on one event of the engine's
 * window. Its first verdict counts; a verdict after the lease expired (the event was handed on)
 * or after the partition went to another member changes nothing.
 */
final class LeasedDelivery implements Delivery {

    private final Dispatcher dispatcher;
    private final Entry entry;
    private final int epoch;
    private final int attempt;
    private final Instant firstDeadline;
    private final AtomicBoolean ended = new AtomicBoolean();

    LeasedDelivery(Dispatcher dispatcher, Entry entry, int epoch, int attempt, long leaseDeadline) {
        this.dispatcher = dispatcher;
        this.entry = entry;
        this.epoch = epoch;
        this.attempt = attempt;
        this.firstDeadline = Instant.ofEpochMilli(leaseDeadline);
    }

    @Override
    public Event event() {
        return entry.stored.event();
    }

    @Override
    public String topic() {
        return dispatcher.topic();
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
        return ended.get() ? firstDeadline : Instant.ofEpochMilli(Math.max(firstDeadline.toEpochMilli(), dispatcher.leaseDeadline(entry)));
    }

    @Override
    public void ack() {
        if (ended.compareAndSet(false, true)) {
            dispatcher.ack(entry, epoch);
        }
    }

    @Override
    public void nack() {
        if (ended.compareAndSet(false, true)) {
            dispatcher.nack(entry, epoch, null, null);
        }
    }

    @Override
    public void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        if (ended.compareAndSet(false, true)) {
            dispatcher.nack(entry, epoch, delay, null);
        }
    }

    /** A push handler's failure: retried per the policy, which sees the exception. */
    void fail(Throwable error) {
        if (ended.compareAndSet(false, true)) {
            dispatcher.nack(entry, epoch, null, error);
        }
    }

    @Override
    public void reject(String reason) {
        if (ended.compareAndSet(false, true)) {
            dispatcher.reject(entry, epoch, reason);
        }
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
