package io.herald.kafka.group;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The deliveries handed out from one partition during one assignment, in offset order, and how
 * each ended. The committable cursor is the offset after the longest acked prefix: Kafka's
 * committed offset never passes an event that is not acked. A nack rewinds the partition to the
 * nacked event; the deliveries after it are forgotten and come again (at-least-once).
 *
 * <p>Thread-safe: deliveries end from any thread; the member's poll thread reads the outcome.
 */
final class PartitionLedger {

    private enum State { OPEN, ACKED, NACKED }

    private static final class Entry {
        final long offset;
        State state = State.OPEN;
        Duration delay;
        Throwable failure;

        Entry(long offset) {
            this.offset = offset;
        }
    }

    /** What the poll thread must do: commit up to {@code commit} (or -1), rewind to {@code nack} (or null). */
    record Outcome(long commit, Nack nack) {
    }

    /** A nacked event: its offset, the delay asked for (null: the retry policy's), the failure if any. */
    record Nack(long offset, Duration delay, Throwable failure) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    // acks arrive in any order from any thread: found by offset, not by a walk of the deque
    private final java.util.HashMap<Long, Entry> byOffset = new java.util.HashMap<>();
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

    synchronized void nack(long offset, Duration delay, Throwable failure) {
        Entry e = find(offset);
        if (e != null && e.state == State.OPEN) {
            e.state = State.NACKED;
            e.delay = delay;
            e.failure = failure;
        }
    }

    /** Pops the acked prefix; on a nack, forgets it and everything after it. */
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
                nack = new Nack(e.offset, e.delay, e.failure);
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
