package io.herald.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

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
        ledger.nack(3, 5, false);
        ledger.ack(4); // after the nack: it will come again anyway
        PartitionLedger.Outcome outcome = ledger.settle();
        assertThat(outcome.commit()).isEqualTo(2);
        assertThat(outcome.nack()).isEqualTo(new PartitionLedger.Nack(3, 5, false));
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
        ledger.nack(7, 0, false);
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(8, null));
        ledger.delivered(8);
        ledger.detach();
        ledger.ack(8);
        assertThat(ledger.isDetached()).isTrue();
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(-1, null));
    }

    @Test
    void aDeadLetteringEventHoldsTheCursorUntilItsDeadLetterIsWritten() {
        PartitionLedger ledger = new PartitionLedger();
        for (long o = 0; o < 6; o++) {
            ledger.delivered(o);
        }
        ledger.ack(0);
        assertThat(ledger.reject(1)).isTrue();
        assertThat(ledger.reject(1)).as("the first verdict counts").isFalse();
        ledger.ack(2); // after a reject the partition goes on
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(1, null));
        assertThat(ledger.nack(3, 0, true)).isTrue(); // the last attempt: dead-lettered, the rest comes again after it
        ledger.ack(4);
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(-1, new PartitionLedger.Nack(3, 0, true)));
        ledger.deadLettered(1);
        assertThat(ledger.settle().commit()).isEqualTo(3);
        ledger.deadLettered(3);
        assertThat(ledger.settle().commit()).isEqualTo(4);
        ledger.ack(5); // forgotten by the rewind
        assertThat(ledger.settle()).isEqualTo(new PartitionLedger.Outcome(-1, null));
    }

    @Test
    void aDeadLetterWrittenBeforeThePollThreadSawItsNackStillCounts() {
        PartitionLedger ledger = new PartitionLedger();
        ledger.delivered(0);
        ledger.nack(0, 0, true);
        ledger.deadLettered(0);
        assertThat(ledger.settle().nack()).isEqualTo(new PartitionLedger.Nack(0, 0, true));
        assertThat(ledger.settle().commit()).isEqualTo(1);
    }
}
