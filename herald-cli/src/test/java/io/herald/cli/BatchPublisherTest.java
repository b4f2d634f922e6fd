package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.Position;
import io.herald.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Batches go out when they are full by count or by data, in order, one in flight at a time. */
class BatchPublisherTest {

    private final List<Integer> sent = new ArrayList<>();
    private final List<Position> acknowledged = new ArrayList<>();
    private long next;

    private BatchPublisher publisher(int batchSize) {
        return new BatchPublisher(batch -> {
            sent.add(batch.size());
            List<Position> positions = new ArrayList<>();
            batch.forEach(e -> positions.add(new Position(0, next++)));
            return CompletableFuture.completedFuture(positions);
        }, batchSize, acknowledged::addAll);
    }

    private static Event withData(int bytes) {
        return Event.builder().type("t").source("/s").data(new byte[bytes]).build();
    }

    @Test
    void aBatchGoesWhenItHoldsBatchSizeEvents() {
        BatchPublisher p = publisher(3);
        for (int i = 0; i < 7; i++) {
            p.add(withData(10));
        }
        assertThat(p.finish()).isEqualTo(7);
        assertThat(sent).containsExactly(3, 3, 1);
        assertThat(acknowledged).extracting(Position::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aBatchGoesWhenItHoldsMaxBatchBytesOfData() {
        BatchPublisher p = publisher(500);
        int quarter = (int) (BatchPublisher.MAX_BATCH_BYTES / 4);
        for (int i = 0; i < 9; i++) {
            p.add(withData(quarter));
        }
        assertThat(p.finish()).isEqualTo(9);
        assertThat(sent).containsExactly(4, 4, 1);
    }
}
