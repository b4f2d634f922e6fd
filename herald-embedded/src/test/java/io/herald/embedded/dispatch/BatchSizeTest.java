package io.herald.embedded.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A push worker's batch: big for a fast handler, small enough for a slow one that every event of
 * the batch is handled well within its lease (a batch of 32 one-second calls used to outlast a
 * 30-s lease, and the last events came again while still waiting in the worker).
 */
class BatchSizeTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void oneEventUntilTheHandlersSpeedIsKnown() {
        assertThat(new BatchSize(LEASE).next()).isEqualTo(1);
    }

    @Test
    void aFastHandlerTakesTheLargestBatches() {
        BatchSize size = new BatchSize(LEASE);
        size.handled(1, 2_000); // 2 µs
        assertThat(size.next()).isEqualTo(BatchSize.MAX);
    }

    @Test
    void aSlowHandlersBatchFitsInAQuarterOfTheLease() {
        BatchSize size = new BatchSize(LEASE);
        size.handled(1, Duration.ofSeconds(1).toNanos());
        assertThat(size.next()).isEqualTo(7); // 7 s of work for a 30-s lease
        size.handled(7, Duration.ofSeconds(70).toNanos()); // slower now: 10 s each
        assertThat(size.next()).as("the average moves toward the newest batch").isBetween(1, 6);
        for (int i = 0; i < 20; i++) {
            size.handled(1, Duration.ofSeconds(10).toNanos());
        }
        assertThat(size.next()).isEqualTo(1);
    }

    @Test
    void anEmptyPollChangesNothing() {
        BatchSize size = new BatchSize(LEASE);
        size.handled(0, 5_000_000_000L);
        assertThat(size.next()).isEqualTo(1);
    }
}
