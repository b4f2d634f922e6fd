package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/** One delivery of a {@code PARTITION} subscription; its end is recorded in its partition's ledger (a failure's outcome by its member). */
final class PartitionDelivery implements Delivery {

    private final StoredEvent stored;
    private final String subscription;
    private final int attempt;
    private final Instant leaseDeadline;
    private final PartitionLedger ledger;
    private final PartitionMember.Verdicts verdicts;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean failed;

    PartitionDelivery(StoredEvent stored, String subscription, int attempt, Instant leaseDeadline, PartitionLedger ledger,
                      PartitionMember.Verdicts verdicts) {
        this.verdicts = verdicts;
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
            failed = true;
            verdicts.failed(stored, ledger, delay, failure);
        }
    }

    /** Whether this delivery's verdict was a failure: its partition is rewound, the rest of its batch comes again. */
    boolean failed() {
        return failed;
    }

    @Override
    public void reject(String reason) {
        if (ended.compareAndSet(false, true)) {
            verdicts.rejected(stored, ledger, reason == null || reason.isBlank() ? "rejected" : reason);
        }
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
