package io.herald.kafka.group;

import io.herald.broker.StoredEvent;
import io.herald.kafka.state.StateFollower;
import io.herald.kafka.state.StateRecord;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link PartitionMember} knows of a partition it is assigned before it hands out any of
 * its events, rebuilt from the partition's state partition: the failures and due times of its
 * retried events ({@link PartitionFailures}, and a pause until the next one is due) and the dead
 * letters redriven to it ({@link Redrives}). The member's poll thread only.
 */
final class PartitionRestore {

    private final String topic;
    private final StateFollower follower;
    private final PartitionFailures failures;
    private final RecordBuffer buffer;
    private final Clock clock;

    PartitionRestore(String topic, StateFollower follower, PartitionFailures failures, RecordBuffer buffer, Clock clock) {
        this.topic = topic;
        this.follower = follower;
        this.failures = failures;
        this.buffer = buffer;
        this.clock = clock;
    }

    /**
     * The redrives of {@code tp}, whose cursor is {@code position}; its retries are restored.
     *
     * <p>The state partition says which events of the partition failed and when they are due: the
     * next one waits for its due time, whoever delivered it before. Facts below the cursor are
     * stale (the event was acked or dead-lettered before its fact ended).
     */
    Redrives restore(TopicPartition tp, long position) {
        Map<String, StateRecord.Read> facts = follower.rebuild(tp.partition()); // then followed, for new redrives
        long now = clock.millis();
        Redrives queue = new Redrives(tp.partition());
        Map<Long, StateRecord.Retry> redriveRetries = new HashMap<>();
        for (StateRecord.Read read : facts.values()) {
            if (read.fact().orElseThrow() instanceof StateRecord.Retry r && r.source() == StateRecord.Source.REDRIVE) {
                redriveRetries.put(r.offset(), r);
            }
        }
        for (StateRecord.Read read : facts.values()) {
            if (read.fact().orElseThrow() instanceof StateRecord.Redrive d) {
                queue.add(read.key(), read.offset(), new StoredEvent(topic, d.deadLetter(), clock.instant(), d.event()), d.original(),
                        redriveRetries.get(read.offset()));
            }
        }
        for (StateRecord.Read read : facts.values()) {
            if (read.fact().orElseThrow() instanceof StateRecord.Retry r && r.source() == StateRecord.Source.TOPIC
                    && r.offset() >= position) {
                failures.restored(tp, r);
                long wait = r.dueAt().toEpochMilli() - now;
                if (r.offset() == position && wait > 0) {
                    buffer.pauseFor(tp, wait);
                }
            }
        }
        return queue;
    }
}
