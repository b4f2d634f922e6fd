package io.herald.kafka.group;

import io.herald.broker.StoredEvent;
import java.time.Duration;
import java.time.Instant;

/** One delivery of a {@code PARTITION} subscription; its end is recorded in its partition's ledger (a failure's outcome by its member). */
final class PartitionDelivery extends MemberDelivery {

    private final PartitionLedger ledger;
    private final PartitionFailures verdicts;

    PartitionDelivery(StoredEvent stored, String subscription, int attempt, Instant leaseDeadline, PartitionLedger ledger,
                      PartitionFailures verdicts) {
        super(stored.topic(), subscription, stored, attempt, leaseDeadline);
        this.ledger = ledger;
        this.verdicts = verdicts;
    }

    boolean isStale() {
        return ledger.isDetached();
    }

    @Override
    protected void onAck() {
        ledger.ack(position().offset());
    }

    @Override
    protected void onNack(Duration delay, Throwable failure) {
        verdicts.failed(stored(), ledger, delay, failure);
    }

    @Override
    protected void onReject(String reason) {
        verdicts.rejected(stored(), ledger, reason);
    }
}
