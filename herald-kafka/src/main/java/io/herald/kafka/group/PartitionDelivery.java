package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** One delivery of a {@code PARTITION} subscription; its end is recorded in its partition's ledger. */
final class PartitionDelivery implements Delivery {

    private final StoredEvent stored;
    private final String subscription;
    private final int attempt;
    private final Instant leaseDeadline;
    private final PartitionLedger ledger;
    private final AtomicBoolean ended = new AtomicBoolean();

    PartitionDelivery(StoredEvent stored, String subscription, int attempt, Instant leaseDeadline, PartitionLedger ledger) {
        this.stored = stored;
        this.subscription = subscription;
        this.attempt = attempt;
        this.leaseDeadline = leaseDeadline;
        this.ledger = ledger;
    }

    boolean isStale() {
        return ledger.isDetached();
    }

    @Override
    public Event event() {
        return stored.event();
    }

    @Override
    public String topic() {
        return stored.topic();
    }

    @Override
    public String subscription() {
        return subscription;
    }

    @Override
    public Position position() {
        return stored.position();
    }

    @Override
    public Instant appendTime() {
        return stored.appendTime();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant leaseDeadline() {
        return leaseDeadline;
    }

    @Override
    public void ack() {
        if (ended.compareAndSet(false, true)) {
            ledger.ack(stored.position().offset());
        }
    }

    @Override
    public void nack() {
        fail(null, null);
    }

    @Override
    public void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        fail(delay, null);
    }

    void fail(Duration delay, Throwable failure) {
        if (ended.compareAndSet(false, true)) {
            ledger.nack(stored.position().offset(), delay, failure);
        }
    }

    @Override
    public void reject(String reason) {
        throw new UnsupportedOperationException("reject (dead-letter topics) is not supported by the Kafka backend yet "
                + "(issue 4, phase 2); nack() the delivery to have it again");
    }

    @Override
    public void extend(Duration by) {
        // a PARTITION delivery is held for as long as its member polls within the session timeout:
        // there is no per-event lease on Kafka to extend
    }

    @Override
    public String toString() {
        return "Delivery{" + topic() + " " + position() + " attempt " + attempt + ", " + event().id() + "}";
    }
}
