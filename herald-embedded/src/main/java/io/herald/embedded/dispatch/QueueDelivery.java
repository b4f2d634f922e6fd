package io.herald.embedded.dispatch;

import io.herald.broker.spi.AbstractDelivery;
import io.herald.delivery.Entry;
import java.time.Duration;
import java.time.Instant;

/**
 * A delivery of a subscription with ordering {@code KEY} or {@code NONE}: a lease on one event.
 * Ending it after the lease expired does nothing: the event has been handed on.
 */
final class QueueDelivery extends AbstractDelivery {

    private final Dispatcher dispatcher;
    private final Entry entry;
    private final int epoch;
    /** Where a push worker collects its acks (null: a pulled delivery, acked at once). */
    private AckBatch acks;

    QueueDelivery(Dispatcher dispatcher, Entry entry, int epoch, int attempt) {
        super(entry.stored().topic(), dispatcher.subscription(), entry.stored(), attempt);
        this.dispatcher = dispatcher;
        this.entry = entry;
        this.epoch = epoch;
    }

    @Override
    public Instant leaseDeadline() {
        return Instant.ofEpochMilli(dispatcher.leaseDeadline(entry, epoch));
    }

    void collectAcksIn(AckBatch batch) {
        this.acks = batch;
    }

    @Override
    protected void onAck() {
        AckBatch batch = acks;
        if (batch != null && batch.collects()) {
            batch.add(this);
        } else {
            dispatcher.ack(entry, epoch);
        }
    }

    /** A collected ack takes effect; the dispatcher's lock is held. True if it counted (see {@link Dispatcher#ackLocked}). */
    boolean applyAck() {
        return dispatcher.ackLocked(entry, epoch);
    }

    @Override
    protected void onNack(Duration delay, Throwable error) {
        dispatcher.nack(entry, epoch, delay, error);
    }

    @Override
    protected void onReject(String reason) {
        dispatcher.reject(entry, epoch, reason);
    }

    @Override
    protected void onExtend(Duration by) {
        dispatcher.extend(entry, epoch, by);
    }
}
