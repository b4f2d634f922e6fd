package io.herald.delivery;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * The deadlines a {@link Window} waits for: leases, which run out in the order they were taken,
 * and retries due later (and extended leases), in a heap. A deadline whose entry moved on since
 * it was set is stale and never fires; stale ones are dropped as they pile up.
 */
final class Timers {

    /** A deadline of an entry, valid while the entry is still at {@code epoch}. */
    record Timer(long at, Entry entry, int epoch) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(at, o.at);
        }

        boolean isStale() {
            return epoch != entry.epoch || (entry.state != Entry.State.DELAYED && entry.state != Entry.State.LEASED);
        }
    }

    /**
     * Leases in the order they were taken. Every lease lasts the same, so their deadlines come in
     * this order too and expiry needs no priority queue; an extended lease also gets a timer in
     * {@link #timers}, and its old place here is skipped.
     */
    private final ArrayDeque<Timer> leases = new ArrayDeque<>();
    /** Retries due later, and extended leases. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private int timerLimit = 4096;

    void lease(Timer t) {
        leases.addLast(t);
    }

    void add(Timer t) {
        timers.add(t);
        if (timers.size() > timerLimit) {
            // ended leases and moved-on retries would otherwise stay until their time: amortized O(1) per timer
            timers.removeIf(Timer::isStale);
            timerLimit = Math.max(4096, 2 * timers.size());
        }
    }

    /** The next deadline at or before {@code now}, leases first, or null. */
    Timer pollDue(long now) {
        if (!leases.isEmpty() && leases.peekFirst().at <= now) {
            return leases.pollFirst();
        }
        if (!timers.isEmpty() && timers.peek().at <= now) {
            return timers.poll();
        }
        return null;
    }

    /** The next deadline that still counts (Long.MAX_VALUE: none). */
    long next() {
        while (!leases.isEmpty() && leases.peekFirst().isStale()) {
            leases.pollFirst(); // ended leases would wake pollers for nothing
        }
        while (!timers.isEmpty() && timers.peek().isStale()) {
            timers.poll();
        }
        long next = leases.isEmpty() ? Long.MAX_VALUE : leases.peekFirst().at;
        return timers.isEmpty() ? next : Math.min(next, timers.peek().at);
    }

    /**
     * Drops the leases that ended (acked, failed) once they outnumber the {@code live} ones: they
     * would otherwise stay, holding their events, until their deadline passed — at a million acks
     * a second and a 30-s lease, 30 million of them. Amortized O(1) per lease.
     */
    void forgetEndedLeases(long live) {
        if (leases.size() > 2 * live + 1024) {
            leases.removeIf(Timer::isStale);
        }
    }

    /** Lease records held for expiry, live or ended. */
    int leaseRecords() {
        return leases.size();
    }
}
