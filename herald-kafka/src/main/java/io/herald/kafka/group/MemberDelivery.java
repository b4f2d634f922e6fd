package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every delivery of a {@code PARTITION} member shares: the event, its attempt, a lease held
 * for as long as the member polls within the session timeout, and a first verdict that counts.
 * What a verdict does is the subclass's: a partition's own event ends in its ledger, a redriven
 * dead letter in its redrive queue.
 */
abstract class MemberDelivery implements Delivery {

    private final String topic;
    private final String subscription;
    private final StoredEvent stored;
    private final int attempt;
    private final Instant leaseDeadline;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean failed;

    MemberDelivery(String topic, String subscription, StoredEvent stored, int attempt, Instant leaseDeadline) {
        this.topic = topic;
        this.subscription = subscription;
        this.stored = stored;
        this.attempt = attempt;
        this.leaseDeadline = leaseDeadline;
    }

    final StoredEvent stored() {
        return stored;
    }

    @Override
    public final Event event() {
        return stored.event();
    }

    @Override
    public final String topic() {
        return topic;
    }

    @Override
    public final String subscription() {
        return subscription;
    }

    @Override
    public final Position position() {
        return stored.position();
    }

    @Override
    public final Instant appendTime() {
        return stored.appendTime();
    }

    @Override
    public final int attempt() {
        return attempt;
    }

    @Override
    public final Instant leaseDeadline() {
        return leaseDeadline;
    }

    @Override
    public final void ack() {
        if (ended.compareAndSet(false, true)) {
            onAck();
        }
    }

    @Override
    public final void nack() {
        fail(null, null);
    }

    @Override
    public final void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        fail(delay, null);
    }

    /** A nack, or a handler's failure: {@code delay} null means the retry policy's. */
    final void fail(Duration delay, Throwable failure) {
        if (ended.compareAndSet(false, true)) {
            failed = true;
            onFailure(delay, failure);
        }
    }

    /** Whether this delivery's verdict was a failure: its partition is rewound, the rest of its batch comes again. */
    final boolean failed() {
        return failed;
    }

    @Override
    public final void reject(String reason) {
        if (ended.compareAndSet(false, true)) {
            onReject(reason == null || reason.isBlank() ? "rejected" : reason);
        }
    }

    @Override
    public final void extend(Duration by) {
        // held for as long as the member polls within the session timeout: there is no per-event lease on Kafka to extend
    }

    abstract void onAck();

    abstract void onFailure(Duration delay, Throwable failure);

    abstract void onReject(String reason);
}
