package io.herald.kafka.group;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.delivery.DeadLetterIntent;
import io.herald.delivery.FailureRecord;
import io.herald.kafka.state.StateRecord;
import java.util.ArrayDeque;

/**
 * The dead letters redriven to one partition of a {@code PARTITION} subscription ({@code Redrive}
 * facts of its state partition), in the order they were redriven. They go one at a time, before
 * the partition's next event, and the partition waits for each one's outcome, as in the embedded
 * backend: a redrive restores an event to its place in front of what the partition still has.
 *
 * <p>Thread-safe: the member's poll thread takes, any thread ends a delivery.
 */
final class Redrives {

    /** One redriven event: its fact, its failures since the redrive, when it is due. */
    static final class Item {
        final String factKey;
        final long stateOffset;
        final StoredEvent stored;
        /** Where the event was published, if its fact says; null otherwise. */
        final Position original;
        FailureRecord failures = FailureRecord.NONE;
        /** The dead letter an earlier owner was writing when it stopped, or null. */
        DeadLetterIntent resumed;
        boolean retryRecorded;
        long dueAt;
        boolean out;

        Item(String factKey, long stateOffset, StoredEvent stored, Position original) {
            this.factKey = factKey;
            this.stateOffset = stateOffset;
            this.stored = stored;
            this.original = original;
        }

        /** The position its dead letter names: where the event was published, else its previous dead letter's. */
        Position originalPosition() {
            return original != null ? original : stored.position();
        }

        String retryKey() {
            return StateRecord.retryKey(StateRecord.Source.REDRIVE, stateOffset);
        }
    }

    private final int partition;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private boolean detached;

    Redrives(int partition) {
        this.partition = partition;
    }

    /** The partition (of the topic and of the state topic) the redrives belong to. */
    int partition() {
        return partition;
    }

    /** A redrive fact read from the state partition; {@code retry} is its recorded schedule, if any. */
    synchronized void add(String factKey, long stateOffset, StoredEvent stored, StateRecord.Retry retry) {
        add(factKey, stateOffset, stored, null, retry);
    }

    /** As {@link #add(String, long, StoredEvent, StateRecord.Retry)}, with where the event was published. */
    synchronized void add(String factKey, long stateOffset, StoredEvent stored, Position original, StateRecord.Retry retry) {
        if (detached || items.stream().anyMatch(i -> i.factKey.equals(factKey))) {
            return;
        }
        Item item = new Item(factKey, stateOffset, stored, original);
        if (retry != null) {
            item.failures = retry.failures();
            item.dueAt = retry.dueAt().toEpochMilli();
            item.retryRecorded = true;
            item.resumed = retry.deadLettering();
        }
        items.addLast(item);
    }

    /** The next redriven event to deliver now (then it is out), or null. */
    synchronized Item take(long now) {
        Item head = items.peekFirst();
        if (head == null || head.out || head.dueAt > now) {
            return null;
        }
        head.out = true;
        return head;
    }

    /** Whether a redriven event could be taken now. */
    synchronized boolean ready(long now) {
        Item head = items.peekFirst();
        return head != null && !head.out && head.dueAt <= now;
    }

    /** Whether the partition's own events wait (a redriven event is out or due later). */
    synchronized boolean blocking() {
        return !items.isEmpty();
    }

    /** The item failed and is retried at {@code dueAt}. False if it is no longer this queue's. */
    synchronized boolean retry(Item item, FailureRecord failures, long dueAt) {
        if (detached || !items.contains(item)) {
            return false;
        }
        item.failures = failures;
        item.dueAt = dueAt;
        item.retryRecorded = true;
        item.out = false;
        return true;
    }

    /** The item is done (acked, or its dead letter written). False if it was not this queue's. */
    synchronized boolean remove(Item item) {
        return !detached && items.remove(item);
    }

    synchronized boolean contains(Item item) {
        return !detached && items.contains(item);
    }

    /** The partition left the member: its redrives are another member's now. */
    synchronized void detach() {
        detached = true;
        items.clear();
    }
}
