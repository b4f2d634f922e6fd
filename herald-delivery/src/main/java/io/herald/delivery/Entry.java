package io.herald.delivery;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import java.util.ArrayDeque;

/**
 * One event in a {@link Window}: an event of a partition the window owns, or a dead letter
 * redriven to the subscription. Its state changes only inside the window, under its owner's lock;
 * a backend reads it to make a delivery and to write what the window asks of it.
 */
public final class Entry {

    /** Where an entry is in its life; see the picture on {@link Window}. */
    public enum State {
        /** Behind an earlier event of its key, or its key is parked. */
        BLOCKED,
        /** Waiting for its retry to be due. */
        DELAYED,
        READY,
        LEASED,
        /** Failed; its retry record is being written. */
        RECORDING,
        DEAD_LETTERING,
        DONE
    }

    final int partition;
    final long offset;
    /**
     * Null once done (its delivery keeps what it needs), and for an offset done as it came in:
     * done entries may stay behind an unfinished one for a while, and must not hold payloads.
     */
    StoredEvent stored;
    /** The ordering key ({@code KEY} with a partition key), or null: the event orders nothing. */
    final String key;
    /** What the backend calls the redrive, or null for an event of a partition. */
    final String redriveKey;
    State state = State.BLOCKED;
    /** Moves on with every lease and every verdict: a delivery or a timer of an older epoch is void. */
    int epoch;
    FailureRecord failures = FailureRecord.NONE;
    /** Whether the backend holds a retry record of this entry (which it ends when the entry is done). */
    boolean recorded;
    long dueAt;
    long leaseDeadline;
    ArrayDeque<Entry> keyQueue;
    /** A redriven event's position in the topic, if known; null otherwise. */
    Position originalPosition;
    /** The dead letter an earlier owner was writing when it stopped, or null. */
    DeadLetterIntent intent;

    Entry(int partition, long offset, StoredEvent stored, String key, String redriveKey) {
        this.partition = partition;
        this.offset = offset;
        this.stored = stored;
        this.key = key;
        this.redriveKey = redriveKey;
    }

    /** The partition of the window it belongs to (a redriven one: the partition its backend put it in). */
    public int partition() {
        return partition;
    }

    /** Its offset in its partition; a redriven one's is its backend's (a fact's offset, or 0). */
    public long offset() {
        return offset;
    }

    public StoredEvent stored() {
        return stored;
    }

    public String key() {
        return key;
    }

    public String redriveKey() {
        return redriveKey;
    }

    public boolean isRedrive() {
        return redriveKey != null;
    }

    /** The current epoch: a delivery made now carries it, and only a verdict of it counts. */
    public int epoch() {
        return epoch;
    }

    public FailureRecord failures() {
        return failures;
    }

    /** The attempt a delivery made now is: failures so far plus one. */
    public int attempt() {
        return failures.attempts() + 1;
    }

    /** When its retry is due (epoch millis); what a retry record keeps. */
    public long dueAt() {
        return dueAt;
    }

    public long leaseDeadline() {
        return leaseDeadline;
    }

    /** Whether the backend holds a retry record of it. */
    public boolean isRecorded() {
        return recorded;
    }

    /**
     * Where the event was published, which its dead letter names: for a redriven event, the
     * position its redrive carries (its first dead letter's original position), else its own.
     */
    public Position originalPosition() {
        return originalPosition != null ? originalPosition : stored.position();
    }

    /**
     * The dead letter an earlier owner recorded it would write, or null: its backend looks past
     * the intent's ends for the dead letter before writing it again.
     */
    public DeadLetterIntent resumedIntent() {
        return intent;
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
