package io.herald.embedded.group;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A delivery of a subscription with ordering {@code PARTITION}. The lease is the member's hold
 * on the partition: it lasts while the member keeps polling within its session timeout. A nack
 * rewinds the partition to this event, so nothing after it is delivered first.
 */
final class PartitionDelivery implements Delivery {

    /** Backoff of a nack without a delay, until subscriptions get retry policies. */
    static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(100);

    private final GroupMember member;
    private final Claim claim;
    private final StoredEvent stored;
    private final int attempt;
    private final String subscription;
    private final long leaseDeadlineMillis;
    private final int epoch;
    private final AtomicBoolean ended = new AtomicBoolean();

    PartitionDelivery(GroupMember member, Claim claim, StoredEvent stored, int attempt, String subscription, long leaseDeadlineMillis) {
        this.member = member;
        this.claim = claim;
        this.stored = stored;
        this.attempt = attempt;
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
        return Instant.ofEpochMilli(leaseDeadlineMillis);
    }

    @Override
    public void ack() {
        if (ended.compareAndSet(false, true)) {
            claim.ack(stored.position().offset());
        }
    }

    @Override
    public void nack() {
        nack(DEFAULT_RETRY_DELAY);
    }

    @Override
    public void nack(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a nack delay cannot be negative, got " + delay);
        }
        if (ended.compareAndSet(false, true)) {
            claim.requestRewind(stored.position().offset(), delay.toNanos());
            member.wake();
        }
    }

    @Override
    public void reject(String reason) {
        throw new UnsupportedOperationException("reject needs the subscription's dead-letter topic, which the embedded "
                + "backend does not have yet; nack to retry the event instead");
    }

    @Override
    public void extend(Duration by) {
        // the partition stays with a member that shows signs of life
        member.heartbeat();
    }

    @Override
    public String toString() {
        return "Delivery{" + stored.topic() + " " + stored.position() + " attempt " + attempt + ", " + stored.event().id() + "}";
    }
}
