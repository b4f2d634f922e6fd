package io.herald.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import io.herald.delivery.FailureRecord;
import io.herald.kafka.state.StateRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A partition's redriven dead letters go one at a time, in redrive order, and hold the partition while they are out or due. */
class RedrivesTest {

    private static StoredEvent event(int n) {
        return new StoredEvent("t", new Position(0, n), Instant.EPOCH,
                Event.builder().id("e-" + n).source("/test").type("test").json("{}").build());
    }

    @Test
    void oneAtATimeInOrderThroughARetry() {
        Redrives queue = new Redrives(0);
        queue.add("redrive/dlq/0/0", 10, event(0), null);
        queue.add("redrive/dlq/0/1", 11, event(1), null);
        queue.add("redrive/dlq/0/0", 10, event(0), null); // read again: no duplicate
        assertThat(queue.blocking()).isTrue();
        Redrives.Item first = queue.take(0);
        assertThat(first.stateOffset).isEqualTo(10);
        assertThat(queue.take(0)).as("one out at a time").isNull();
        assertThat(queue.retry(first, FailureRecord.NONE.next(null, "no", Instant.EPOCH), 500)).isTrue();
        assertThat(queue.ready(499)).isFalse();
        Redrives.Item again = queue.take(500);
        assertThat(again).isSameAs(first);
        assertThat(again.failures.attempts()).isEqualTo(1);
        assertThat(queue.remove(again)).isTrue();
        assertThat(queue.take(500).stateOffset).isEqualTo(11);
    }

    @Test
    void aRecordedScheduleIsRestoredAndADetachedQueueForgetsAll() {
        Redrives queue = new Redrives(2);
        StateRecord.Retry retry = new StateRecord.Retry(2, StateRecord.Source.REDRIVE, 7, 2, Instant.ofEpochMilli(900),
                Instant.EPOCH, Instant.EPOCH, null, "no", null);
        queue.add("redrive/dlq/2/5", 7, event(5), retry);
        assertThat(queue.take(800)).isNull();
        Redrives.Item item = queue.take(900);
        assertThat(item.failures.attempts()).isEqualTo(2);
        assertThat(item.retryKey()).isEqualTo(retry.key());
        queue.detach();
        assertThat(queue.blocking()).isFalse();
        assertThat(queue.remove(item)).isFalse();
    }
}
