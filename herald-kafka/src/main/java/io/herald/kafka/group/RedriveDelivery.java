package io.herald.kafka.group;

import java.time.Duration;
import java.time.Instant;

/**
 * A delivery of a dead letter redriven to a {@code PARTITION} subscription. Its position is the
 * dead letter's; its verdict goes to the member, which ends the redrive fact, records a retry or
 * writes the dead letter again.
 */
final class RedriveDelivery extends MemberDelivery {

    private final Redrives queue;
    private final Redrives.Item item;
    private final PartitionFailures verdicts;

    RedriveDelivery(String topic, String subscription, Redrives queue, Redrives.Item item, Instant leaseDeadline,
                    PartitionFailures verdicts) {
        super(topic, subscription, item.stored, item.failures.attempts() + 1, leaseDeadline);
        this.queue = queue;
        this.item = item;
        this.verdicts = verdicts;
    }

    @Override
    protected void onAck() {
        verdicts.redriveAcked(queue, item);
    }

    @Override
    protected void onNack(Duration delay, Throwable failure) {
        verdicts.redriveFailed(queue, item, delay, failure);
    }

    @Override
    protected void onReject(String reason) {
        verdicts.redriveRejected(queue, item, reason);
    }

    @Override
    public String toString() {
        return "Delivery{redriven " + topic() + " " + position() + " attempt " + attempt() + ", " + event().id() + "}";
    }
}
