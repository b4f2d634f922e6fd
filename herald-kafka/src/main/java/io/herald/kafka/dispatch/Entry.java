package io.herald.kafka.dispatch;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.kafka.failure.FailureRecord;
import io.herald.kafka.state.StateRecord;
import java.util.ArrayDeque;

/**
 * One event of the window: an event of the topic, or a dead letter redriven to the subscription
 * (then {@code offset} is its fact's offset in the state topic). Guarded by the window's owner.
 */
final class Entry {

    enum State {
        /** Behind an earlier event of its key, or its key is parked. */
        BLOCKED,
        /** Waiting for its retry to be due. */
        DELAYED,
        READY,
        LEASED,
        /** Failed; its retry schedule is being written. */
        RECORDING,
        DEAD_LETTERING,
        DONE
    }

    final int partition;
    final long offset;
    final StoredEvent stored;
    /** The ordering key ({@code KEY} with a partition key), or null: the event orders nothing. */
    final String key;
    /** The compaction key of the redrive fact, or null for an event of the topic. */
    final String redriveKey;
    State state = State.BLOCKED;
    /** Moves on with every lease and every verdict: a delivery or a timer of an older epoch is void. */
    int epoch;
    FailureRecord failures = FailureRecord.NONE;
    /** Whether a retry schedule of this entry is in the state topic (and must be ended). */
    boolean retryRecorded;
    long dueAt;
    long leaseDeadline;
    ArrayDeque<Entry> keyQueue;
    /** A redriven event's position in the topic, if its redrive fact says; null otherwise. */
    Position originalPosition;

    Entry(int partition, long offset, StoredEvent stored, String key, String redriveKey) {
        this.partition = partition;
        this.offset = offset;
        this.stored = stored;
        this.key = key;
        this.redriveKey = redriveKey;
    }

    boolean isRedrive() {
        return redriveKey != null;
    }

    StateRecord.Source source() {
        return isRedrive() ? StateRecord.Source.REDRIVE : StateRecord.Source.TOPIC;
    }

    Position position() {
        return stored.position();
    }

    /**
     * Where the event was published, which its dead letter names: for a redriven event, the
     * position its redrive fact carries (its first dead letter's original position), else
     * the previous dead letter's own.
     */
    Position originalPosition() {
        return originalPosition != null ? originalPosition : stored.position();
    }

    /** Handed out or being settled: its key's later events wait. */
    boolean isOut() {
        return state == State.LEASED || state == State.RECORDING || state == State.DEAD_LETTERING;
    }

    @Override
    public String toString() {
        return (isRedrive() ? "redrive " + redriveKey : partition + "@" + offset) + " " + state;
    }
}
