package io.herald.embedded.group;

import io.herald.broker.spi.AbstractDelivery;
import java.time.Duration;
import java.time.Instant;

/**
 * A delivery of a subscription with ordering {@code PARTITION}. The lease is the member's hold
 * on the partition: it lasts while the member keeps polling within its session timeout. A failure
 * rewinds the partition to this event, so nothing after it is delivered first.
 */
final class PartitionDelivery extends AbstractDelivery {

    private final GroupMember member;
    private final Claim claim;
    private final Claim.Next next;
    private final long leaseDeadlineMillis;
    private final int epoch;

    PartitionDelivery(GroupMember member, Claim claim, Claim.Next next, String subscription, long leaseDeadlineMillis) {
        super(next.stored().topic(), subscription, next.stored(), next.attempt());
        this.member = member;
        this.claim = claim;
        this.next = next;
        this.leaseDeadlineMillis = leaseDeadlineMillis;
        this.epoch = claim.epoch();
    }

    /** Handed out before a rewind of its partition or after its partition moved: a push consumer skips it. */
    boolean isStale() {
        return claim.epoch() != epoch || claim.released();
    }

    @Override
    public Instant leaseDeadline() {
        return Instant.ofEpochMilli(leaseDeadlineMillis);
    }

    // A verdict after the partition moved to another member changes nothing: that member delivers
    // the event again, and a dead letter or failure written from here would race its outcome.

    @Override
    protected void onAck() {
        if (!claim.released()) {
            claim.acked(next);
        }
    }

    @Override
    protected void onNack(Duration delay, Throwable error) {
        if (!claim.released()) {
            claim.failed(next, error, delay);
            member.wake();
        }
    }

    @Override
    protected void onReject(String reason) {
        if (!claim.released()) {
            claim.rejected(next, reason);
            member.wake();
        }
    }

    @Override
    protected void onExtend(Duration by) {
        // the partition stays with a member that shows signs of life
        member.heartbeat();
    }
}
