package io.herald.embedded.group;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A delivery of a subscription with ordering {@code PARTITION}. The lease is the member's hold
 * on the partition: it lasts while the member keeps polling within its session timeout. A failure
 * rewinds the partition to this event, so nothing after it is delivered first.
 */
final class PartitionDelivery implements Delivery {

    private final GroupMember member;
    private final Claim claim;
    private final Claim.Next next;
    private final String subscription;
    private final long leaseDeadlineMillis;
    private final int epoch;
    private final AtomicBoolean ended = new AtomicBoolean();

    PartitionDelivery(GroupMember member, Claim claim, Claim.Next next, String subscription, long leaseDeadlineMillis) {
        this.member = member;
        this.claim = claim;
        this.next = next;
        this.subscription = subscription;
        this.leaseDeadlineMillis = leaseDeadlineMillis;
        this.epoch = claim.epoch();
    }

    /** Handed out before a rewind of its partition or after its partition moved: a push consumer skips it. */
    boolean isStale() {
        return claim.epoch() != epoch || claim.released();
    }

    @Override
    public Event event() {
        return next.stored().event();
    }

    @Override
    public String topic() {
        return next.stored().topic();
    }

    @Override
    public String subscription() {
        return subscription;
    }

    @Override
    public Position position() {
        return next.stored().position();
    }

    @Override
    public Instant appendTime() {
        return next.stored().appendTime();
    }

    @Override
    public int attempt() {
        return next.attempt();
    }

    @Override
    public Instant leaseDeadline() {
        return Instant.ofEpochMilli(leaseDeadlineMillis);
    }

    @Override
    public void ack() {
        if (ended.compareAndSet(false, true)) {
            claim.acked(next);
        }
    }

    @Override
    public void nack() {
        end(null, null);
    }

    @Override
    public void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        end(null, delay);
    }

    /** A push handler's failure: the retry policy sees the exception. */
    void fail(Throwable error) {
        end(error, null);
    }

    private void end(Throwable error, Duration delay) {
        if (ended.compareAndSet(false, true)) {
            claim.failed(next, error, delay);
            member.wake();
        }
    }

    @Override
    public void reject(String reason) {
        if (ended.compareAndSet(false, true)) {
            claim.rejected(next, reason);
            member.wake();
        }
    }

    @Override
    public void extend(Duration by) {
        // the partition stays with a member that shows signs of life
        member.heartbeat();
    }

    @Override
    public String toString() {
        return "Delivery{" + topic() + " " + position() + " attempt " + attempt() + ", " + event().id() + "}";
    }
}
