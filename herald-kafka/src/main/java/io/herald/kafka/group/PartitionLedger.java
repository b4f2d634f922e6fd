package io.herald.kafka.group;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;

/**
 * The deliveries handed out from one partition during one assignment, in offset order, and how
 * each ended. The committable cursor is the offset after the longest acked prefix: Kafka's
 * committed offset never passes an event that is not acked. A nack rewinds the partition to the
 * nacked event; the deliveries after it are forgotten and come again (at-least-once). An event
 * that is dead-lettered (rejected, or failed for the last time) holds the cursor until its dead
 * letter is written; after a reject the deliveries after it go on, after a last failure the
 * partition is rewound to the event after it.
 *
 * <p>Thread-safe: deliveries end from any thread; the member's poll thread reads the outcome.
 */
final class PartitionLedger {

    private enum State { OPEN, ACKED, NACKED, DEAD_LETTERING }

    private static final class Entry {
        final long offset;
        State state = State.OPEN;
        long dueAt;
        boolean deadLetter;
        boolean written;

        Entry(long offset) {
            this.offset = offset;
        }
    }

    /** What the poll thread must do: commit up to {@code commit} (or -1), rewind after {@code nack} (or null). */
    record Outcome(long commit, Nack nack) {
    }

    /**
     * A failed event: retried no sooner than {@code dueAt} (epoch millis; the partition is
     * rewound to it), or dead-lettered (the partition is rewound to the event after it).
     */
    record Nack(long offset, long dueAt, boolean deadLetter) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    // acks arrive in any order from any thread: found by offset, not by a walk of the deque
    private final HashMap<Long, Entry> byOffset = new HashMap<>();
    private boolean detached;

    synchronized void delivered(long offset) {
        Entry e = new Entry(offset);
        entries.add(e);
        byOffset.put(offset, e);
    }

    synchronized void ack(long offset) {
        Entry e = find(offset);
        if (e != null && e.state == State.OPEN) {
            e.state = State.ACKED;
        }
    }

    /** The event failed; the member decided (and recorded) what comes next. False if it no longer counts. */
    synchronized boolean nack(long offset, long dueAt, boolean deadLetter) {
        Entry e = find(offset);
        if (e == null || e.state != State.OPEN) {
            return false;
        }
        e.state = State.NACKED;
        e.dueAt = dueAt;
        e.deadLetter = deadLetter;
        return true;
    }

    /** The event is rejected: its dead letter is being written. False if the verdict no longer counts. */
    synchronized boolean reject(long offset) {
        Entry e = find(offset);
        if (e == null || e.state != State.OPEN) {
            return false;
        }
        e.state = State.DEAD_LETTERING;
        return true;
    }

    /** The dead letter of the event at {@code offset} is written: the cursor may pass it. */
    synchronized void deadLettered(long offset) {
        Entry e = find(offset);
        if (e == null) {
            return;
        }
        if (e.state == State.DEAD_LETTERING) {
            e.state = State.ACKED;
        } else if (e.state == State.NACKED && e.deadLetter) {
            e.written = true; // before the poll thread saw the nack: settle acks it
        }
    }

    /** Pops the acked prefix; on a nack, forgets what came after it (and it, unless it is dead-lettered). */
    synchronized Outcome settle() {
        long commit = -1;
        while (!entries.isEmpty() && entries.peekFirst().state == State.ACKED) {
            Entry e = entries.pollFirst();
            byOffset.remove(e.offset);
            commit = e.offset + 1;
        }
        Nack nack = null;
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (nack == null && e.state == State.NACKED) {
                nack = new Nack(e.offset, e.dueAt, e.deadLetter);
                if (e.deadLetter) {
                    e.state = e.written ? State.ACKED : State.DEAD_LETTERING;
                    continue;
                }
            }
            if (nack != null) {
                it.remove();
                byOffset.remove(e.offset);
            }
        }
        return new Outcome(commit, nack);
    }

    /** The partition left this member: later ends of its deliveries change nothing. */
    synchronized void detach() {
        detached = true;
        entries.clear();
        byOffset.clear();
    }

    synchronized boolean isDetached() {
        return detached;
    }

    private Entry find(long offset) {
        return detached ? null : byOffset.get(offset);
    }
}
