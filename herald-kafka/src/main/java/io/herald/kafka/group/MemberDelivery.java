package io.herald.kafka.group;

import io.herald.broker.StoredEvent;
import io.herald.broker.spi.AbstractDelivery;
import java.time.Duration;
import java.time.Instant;

/**
 * What every delivery of a {@code PARTITION} member shares: a lease held for as long as the
 * member polls within the session timeout. What a verdict does is the subclass's: a partition's
 * own event ends in its ledger, a redriven dead letter in its redrive queue.
 */
abstract class MemberDelivery extends AbstractDelivery {

    private final Instant leaseDeadline;

    MemberDelivery(String topic, String subscription, StoredEvent stored, int attempt, Instant leaseDeadline) {
        super(topic, subscription, stored, attempt);
        this.leaseDeadline = leaseDeadline;
    }

    @Override
    public final Instant leaseDeadline() {
        return leaseDeadline;
    }

    /** Whether this delivery's verdict was a failure: its partition is rewound, the rest of its batch comes again. */
    final boolean failed() {
        return state() == State.NACKED;
    }

    @Override
    protected final void onExtend(Duration by) {
        // held for as long as the member polls within the session timeout: there is no per-event lease on Kafka to extend
    }
}
