package io.herald.delivery;

import io.herald.broker.spi.OffsetRanges;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * One partition of a {@link Window}: its events in offset order, its key queues, parked keys and
 * redriven dead letters, and the bookkeeping of what it may commit — the lowest offset not done,
 * the offsets done above it, and the retry records that end once a commit passes them.
 */
final class PartitionWindow {

    /** More runs of offsets done above a commit than a commit's text can hold: the scan stops there. */
    private static final int FINISHED_MAX_RUNS = 1500;
    /** Done entries kept behind an unfinished one before they are folded into ranges. */
    private static final int DONE_FOLD_MIN = 4096;

    final int partition;
    /**
     * Events of the partition come in and not done, in offset order, with the done ones behind
     * the first unfinished one (until the commit passes them, or they are {@link #fold folded}).
     */
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** Done entries in {@link #entries}. */
    int done;
    /** Retry records of events not come in yet, by offset. */
    final Map<Long, RetryRecord> recorded = new HashMap<>();
    /** With {@code KEY}: the order of each key's entries, and its parked keys. */
    final KeyQueues keys = new KeyQueues();
    final Map<String, Entry> redrives = new LinkedHashMap<>();
    /** Settled events whose retry records end once a durable commit passes them ({@link #committed}). */
    final TreeSet<Long> forgetOnCommit = new TreeSet<>();
    /** Offsets done at or above the commit and not in {@link #entries}: an earlier owner's, and those folded. */
    final OffsetRanges finished;
    /**
     * The highest offset an earlier owner finished: only offsets up to it can come in finished
     * (those folded are below every offset still to come), so the rest skip the range lookup.
     */
    final long finishedBefore;
    long next;
    int unfinished;
    boolean changed;

    PartitionWindow(int partition, long position, OffsetRanges finished) {
        this.partition = partition;
        this.next = position;
        this.finished = finished;
        this.finishedBefore = finished.highest();
    }

    /** Voids every entry (the partition went to another owner); returns how many were leased. */
    int voidAll() {
        int leased = 0;
        for (Entry e : entries) {
            leased += voidEntry(e);
        }
        for (Entry e : redrives.values()) {
            leased += voidEntry(e);
        }
        return leased;
    }

    private static int voidEntry(Entry e) {
        int wasLeased = e.state == Entry.State.LEASED ? 1 : 0;
        e.epoch++;
        e.state = Entry.State.DONE;
        return wasLeased;
    }

    /** Whether the offset came in done already: an earlier owner finished it. */
    boolean finishedEarlier(long offset) {
        return offset <= finishedBefore && finished.contains(offset);
    }

    /**
     * A retry record the backend kept for the event at {@code offset}: kept for the event to come
     * in; one of an event finished above the commit ends once a commit passes it. False if the
     * commit passed the event already: the record may end now.
     */
    boolean restoreRetry(long offset, RetryRecord record) {
        if (offset < next) {
            return false;
        }
        if (finished.contains(offset)) {
            forgetOnCommit.add(offset);
        } else {
            recorded.put(offset, record);
        }
        return true;
    }

    /**
     * The event at {@code offset} came in done: an earlier owner finished it, or the filter
     * passes it by. Behind an unfinished entry it is a done entry, so the commit waits for that one.
     */
    void skip(long offset, boolean finishedEarlier, boolean hadRetryRecord) {
        if (hadRetryRecord) {
            forgetOnCommit.add(offset);
        }
        if (!finishedEarlier && !entries.isEmpty()) {
            Entry skipped = new Entry(partition, offset, null, null, null);
            skipped.state = Entry.State.DONE;
            entries.addLast(skipped);
            done++;
        }
        changed = true;
    }

    /** The offset the partition may commit: its lowest offset not done, or the next to come in. */
    long commitOffset() {
        return entries.isEmpty() ? next : entries.peekFirst().offset;
    }

    /** Whether the commit changed since the last call. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    /**
     * The offsets done at or above the {@link #commitOffset}, as ranges: those an earlier owner
     * finished or that were folded, and the runs of done entries behind the first unfinished one
     * (up to as many as a commit's text can hold).
     */
    OffsetRanges finishedAboveCommit() {
        long commit = commitOffset();
        finished.forgetBelow(commit);
        OffsetRanges out = new OffsetRanges();
        finished.forEachFrom(commit, out::add);
        if (done > 0) {
            forEachDoneRun(FINISHED_MAX_RUNS, out::add);
        }
        return out;
    }

    /** The runs of done entries in the queue, lowest first, up to {@code maxRuns}. */
    private void forEachDoneRun(int maxRuns, OffsetRanges.RangeAction action) {
        long runStart = -1;
        long previous = -1;
        int seen = 0;
        int runs = 0;
        for (Entry e : entries) {
            if (e.state == Entry.State.DONE) {
                if (runStart < 0) {
                    runStart = e.offset;
                }
                previous = e.offset;
                seen++;
            } else if (runStart >= 0) {
                action.accept(runStart, previous);
                runStart = -1;
                if (++runs >= maxRuns || seen == done) {
                    return;
                }
            }
        }
        if (runStart >= 0) {
            action.accept(runStart, previous);
        }
    }

    /** An entry of the queue is done: the done ones at its head leave, and many behind it are folded. */
    void entryDone() {
        unfinished--;
        done++;
        changed = true;
        while (!entries.isEmpty() && entries.peekFirst().state == Entry.State.DONE) {
            entries.pollFirst();
            done--;
        }
        if (done > DONE_FOLD_MIN && done > 2 * unfinished) {
            fold();
        }
    }

    /**
     * Moves the done entries behind the first unfinished one into {@link #finished}: behind a
     * retry that waits an hour, the events acked meanwhile would otherwise stay in memory with
     * their payloads while events go on coming in (the limit counts only unfinished ones).
     * Amortized O(1) per entry.
     */
    private void fold() {
        forEachDoneRun(Integer.MAX_VALUE, finished::add); // all of them: the entries go
        entries.removeIf(x -> x.state == Entry.State.DONE);
        done = 0;
    }

    /** A durable commit at {@code offset}: the settled events below it whose retry records may end. */
    void committed(long offset, LongConsumer forgotten) {
        if (forgetOnCommit.isEmpty()) {
            return;
        }
        SortedSet<Long> passed = forgetOnCommit.headSet(offset);
        for (long o : passed) {
            forgotten.accept(o);
        }
        passed.clear();
    }

    /** Whether a failure of the partition's events is being written (a retry record or a dead letter). */
    boolean settling() {
        for (Entry e : entries) {
            if (e.state == Entry.State.RECORDING || e.state == Entry.State.DEAD_LETTERING) {
                return true;
            }
        }
        for (Entry e : redrives.values()) {
            if (e.state == Entry.State.RECORDING || e.state == Entry.State.DEAD_LETTERING) {
                return true;
            }
        }
        return false;
    }

    /** Failed events of the partition waiting for their retry. */
    long retrying() {
        long n = 0;
        for (Entry e : entries) {
            n += isRetrying(e) ? 1 : 0;
        }
        for (Entry e : redrives.values()) {
            n += isRetrying(e) ? 1 : 0;
        }
        return n;
    }

    private static boolean isRetrying(Entry e) {
        return e.failures.attempts() > 0
                && (e.state == Entry.State.DELAYED || e.state == Entry.State.BLOCKED || e.state == Entry.State.READY);
    }
}
