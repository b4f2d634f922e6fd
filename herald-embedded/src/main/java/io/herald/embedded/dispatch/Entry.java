package io.herald.embedded.dispatch;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.embedded.meta.DeliveryStateStore;

/**
 * One event in a {@link Dispatcher}'s window and where it is in its life: it waits (behind its
 * key, or for its due time), is ready, leased to a consumer, being dead-lettered, or done.
 * Guarded by the dispatcher's lock.
 */
final class Entry {

    enum State { WAITING, READY, LEASED, DEAD_LETTERING, DONE }

    final StoredEvent stored;
    /**
     * KEY: the ordering key, the partition key, or (without one) the position, which orders
     * nothing. NONE: null.
     */
    final String key;
    /** A dead letter delivered again, not an event of the window's partitions. */
    final DeliveryStateStore.Redrive redrive;

    State state = State.WAITING;
    /** KEY: the queue of its key's unfinished events it is in. */
    java.util.ArrayDeque<Entry> keyQueue;
    /** Deliveries that failed so far. */
    int failures;
    long dueAt;
    long leaseDeadline;
    /** Bumped whenever a delivery of this entry ends or is taken away, so that a late ack of an old one is ignored. */
    int epoch;
    long firstFailure;
    long lastFailure;
    String errorClass;
    String errorMessage;

    Entry(StoredEvent stored, String key, DeliveryStateStore.Redrive redrive) {
        this.stored = stored;
        this.key = key;
        this.redrive = redrive;
    }

    Position position() {
        return stored.position();
    }

    int partition() {
        return stored.position().partition();
    }

    long offset() {
        return stored.position().offset();
    }

    boolean isRedrive() {
        return redrive != null;
    }

    void restore(DeliveryStateStore.OffsetState s) {
        failures = s.attempts();
        dueAt = s.dueAt();
        firstFailure = s.firstFailure();
        lastFailure = s.lastFailure();
        errorClass = s.errorClass();
        errorMessage = s.errorMessage();
    }

    DeliveryStateStore.OffsetState failureState() {
        return new DeliveryStateStore.OffsetState(failures, dueAt, firstFailure, lastFailure, errorClass, errorMessage, false, false);
    }

    @Override
    public String toString() {
        return stored.position() + " " + state + " key=" + key + " failures=" + failures;
    }
}
