package io.herald.kafka.delay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class HeldPartitionTest {

    private static final TopicPartition TP = new TopicPartition("__herald.delay.t", 0);
    private static final Uuid ID = Uuid.randomUuid();

    private static HeldPartition.Held held(long offset, long due) {
        return new HeldPartition.Held(offset, due, "t", null, new byte[] {1}, new RecordHeaders(), 1);
    }

    @Test
    void eventsComeDueInDueOrderAndThoseDueTogetherInPublishOrder() {
        HeldPartition partition = new HeldPartition(TP, ID, null);
        partition.read(held(0, 300));
        partition.read(held(1, 100));
        partition.read(held(2, 100));
        partition.read(held(3, 200));
        assertThat(partition.takeDue(50, 10)).isEmpty();
        assertThat(partition.takeDue(250, 10)).extracting(HeldPartition.Held::offset).containsExactly(1L, 2L, 3L);
        assertThat(partition.nextDueMillis()).contains(300L);
    }

    @Test
    void theCommitPointNeverPassesAnEventNotReleasedAndCarriesTheReleasedOnesAboveIt() {
        HeldPartition partition = new HeldPartition(TP, ID, null);
        assertThat(partition.commitDue()).as("nothing read, nothing to commit").isEmpty();
        partition.read(held(0, 1_000_000)); // far in the future
        partition.read(held(1, 10));
        partition.read(held(2, 10));
        List<HeldPartition.Held> due = partition.takeDue(20, 10);
        partition.released(due.get(0));
        OffsetAndMetadata commit = partition.commitDue().orElseThrow();
        assertThat(commit.offset()).isZero();
        partition.committed(commit);

        HeldPartition nextOwner = new HeldPartition(TP, ID, commit);
        nextOwner.read(held(0, 1_000_000));
        nextOwner.read(held(1, 10));
        nextOwner.read(held(2, 10));
        assertThat(nextOwner.takeDue(20, 10)).as("offset 1 was released, offset 2 was only sent")
                .extracting(HeldPartition.Held::offset).containsExactly(2L);
    }

    @Test
    void aFailedReleaseWaitsAgainAndTheCommitPointStaysBelowIt() {
        HeldPartition partition = new HeldPartition(TP, ID, new OffsetAndMetadata(5));
        partition.read(held(5, 10));
        partition.read(held(6, 10));
        List<HeldPartition.Held> due = partition.takeDue(20, 10);
        partition.released(due.get(0));
        partition.putBack(due.subList(1, 2), 1_000);
        assertThat(partition.takeDue(500, 10)).as("not before the retry time").isEmpty();
        assertThat(partition.commitDue().orElseThrow().offset()).isEqualTo(6);
        HeldPartition.Held again = partition.takeDue(1_000, 10).getFirst();
        partition.released(again);
        assertThat(partition.commitDue().orElseThrow().offset()).isEqualTo(7);
        assertThat(partition.heldCount()).isZero();
    }
}
