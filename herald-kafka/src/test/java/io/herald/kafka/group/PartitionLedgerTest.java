package io.herald.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PartitionLedgerTest {

    @Test
    void theCommittedCursorNeverPassesAnEventThatIsNotAcked() {
        PartitionLedger ledger = new PartitionLedger();
        for (long o = 10; o < 15; o++) {
            ledger.delivered(o);
        }
        ledger.ack(12);
        ledger.ack(13);
        assertThat(ledger.settle().commit()).isEqualTo(-1); // 10 is still out
        ledger.ack(10);
        assertThat(ledger.settle().commit()).isEqualTo(11);
        ledger.ack(11);
        assertThat(ledger.settle().commit()).isEqualTo(14);
        ledger.ack(14);
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(15, null));
    }

    @Test
    void aNackRewindsToItselfAndForgetsWhatCameAfterButTheAckedPrefixIsCommitted() {
        PartitionLedger ledger = new PartitionLedger();
        for (long o = 0; o < 6; o++) {
            ledger.delivered(o);
        }
        ledger.ack(0);
        ledger.ack(1);
        ledger.nack(3, Duration.ofMillis(5), null);
        ledger.ack(4); // after the nack: it will come again anyway
        PartitionLedger.Outcome outcome = ledger.settle();
        assertThat(outcome.commit()).isEqualTo(2);
        assertThat(outcome.nack()).isEqualTo(new PartitionLedger.Nack(3, Duration.ofMillis(5), null));
        ledger.ack(2);
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(3, null));
        ledger.ack(5); // forgotten by the rewind: changes nothing
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(-1, null));
    }

    @Test
    void onlyTheFirstEndCountsAndADetachedLedgerIgnoresEnds() {
        PartitionLedger ledger = new PartitionLedger();
        ledger.delivered(7);
        ledger.ack(7);
        ledger.nack(7, null, null);
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(8, null));
        ledger.delivered(8);
        ledger.detach();
        ledger.ack(8);
        assertThat(ledger.isDetached()).isTrue();
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(-1, null));
    }
}
