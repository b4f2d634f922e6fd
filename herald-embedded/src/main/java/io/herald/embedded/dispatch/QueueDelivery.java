package io.herald.embedded.dispatch;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;

/**
 * A delivery of a subscription with ordering {@code KEY} or {@code NONE}: a lease on one event.
 * Ending it after the lease expired (or twice) does nothing: the event has been handed on; the
 * first verdict counts.
 */
final class QueueDelivery implements Delivery {

    private final Dispatcher dispatcher;
    private final Entry entry;
    private final int epoch;
    private final int attempt;
    /** Where a push worker collects its acks (null: a pulled delivery, acked at once). */
    private AckBatch acks;
    private volatile boolean ended;

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

    void collectAcksIn(AckBatch batch) {
        this.acks = batch;
    }

    @Override
    public void ack() {
        if (end()) {
            AckBatch batch = acks;
            if (batch != null && batch.collects()) {
                batch.add(this);
            } else {
                dispatcher.ack(entry, epoch);
            }
        }
    }

    /** A collected ack takes effect; the dispatcher's lock is held. */
    void applyAck() {
        dispatcher.ackLocked(entry, epoch);
    }

    /** True for the first verdict only. */
    private boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    @Override
    public void nack() {
        if (end()) {
            dispatcher.nack(entry, epoch, null, null);
        }
    }

    @Override
    public void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        if (end()) {
            dispatcher.nack(entry, epoch, delay, null);
        }
    }

    /** A push handler's failure: retried per the policy, which sees the exception. */
    void fail(Throwable error) {
        if (end()) {
            dispatcher.nack(entry, epoch, null, error);
        }
    }

    @Override
    public void reject(String reason) {
        if (end()) {
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
