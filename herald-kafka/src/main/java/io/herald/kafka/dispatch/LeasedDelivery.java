package io.herald.kafka.dispatch;

import io.herald.broker.spi.AbstractDelivery;
import io.herald.delivery.Entry;
import java.time.Duration;
import java.time.Instant;

/**
 * A delivery of a {@code KEY} or {@code NONE} subscription: a lease on one event of the engine's
 * window. A verdict after the lease expired (the event was handed on) or after the partition went
 * to another member changes nothing.
 */
final class LeasedDelivery extends AbstractDelivery {

    private final Dispatcher dispatcher;
    private final Entry entry;
    private final int epoch;
    private final Instant firstDeadline;

    LeasedDelivery(Dispatcher dispatcher, Entry entry, int epoch, int attempt, long leaseDeadline) {
        super(dispatcher.topic(), dispatcher.subscription(), entry.stored(), attempt);
        this.dispatcher = dispatcher;
        this.entry = entry;
        this.epoch = epoch;
        this.firstDeadline = Instant.ofEpochMilli(leaseDeadline);
    }

    @Override
    public Instant leaseDeadline() {
        return state() != State.OPEN ? firstDeadline
                : Instant.ofEpochMilli(Math.max(firstDeadline.toEpochMilli(), dispatcher.leaseDeadline(entry)));
    }

    @Override
    protected void onAck() {
        dispatcher.ack(entry, epoch);
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
