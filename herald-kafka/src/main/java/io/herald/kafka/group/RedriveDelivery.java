package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A delivery of a dead letter redriven to a {@code PARTITION} subscription. Its position is the
 * dead letter's; its verdict goes to the member, which ends the redrive fact, records a retry or
 * writes the dead letter again. The first verdict counts.
 */
final class RedriveDelivery implements Delivery {

    private final String topic;
    private final String subscription;
    private final Redrives queue;
    private final Redrives.Item item;
    private final int attempt;
    private final Instant leaseDeadline;
    private final PartitionMember.Verdicts verdicts;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean failed;

    RedriveDelivery(String topic, String subscription, Redrives queue, Redrives.Item item, Instant leaseDeadline,
                    PartitionMember.Verdicts verdicts) {
        this.topic = topic;
        this.subscription = subscription;
        this.queue = queue;
        this.item = item;
        this.attempt = item.failures.attempts() + 1;
        this.leaseDeadline = leaseDeadline;
        this.verdicts = verdicts;
    }

    @Override
    public Event event() {
        return item.stored.event();
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String subscription() {
        return subscription;
    }

    @Override
    public Position position() {
        return item.stored.position();
    }

    @Override
    public Instant appendTime() {
        return item.stored.appendTime();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Instant leaseDeadline() {
        return leaseDeadline;
    }

    boolean failed() {
        return failed;
    }

    @Override
    public void ack() {
        if (ended.compareAndSet(false, true)) {
            verdicts.redriveAcked(queue, item);
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

    void fail(Duration delay, Throwable error) {
        if (ended.compareAndSet(false, true)) {
            failed = true;
            verdicts.redriveFailed(queue, item, delay, error);
        }
    }

    @Override
    public void reject(String reason) {
        if (ended.compareAndSet(false, true)) {
            verdicts.redriveRejected(queue, item, reason == null || reason.isBlank() ? "rejected" : reason);
        }
    }

    @Override
    public void extend(Duration by) {
        // held while the member polls within the session timeout, like the partition's own deliveries
    }

    @Override
    public String toString() {
        return "Delivery{redriven " + topic + " " + position() + " attempt " + attempt + ", " + event().id() + "}";
    }
}
