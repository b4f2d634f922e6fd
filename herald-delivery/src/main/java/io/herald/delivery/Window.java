package io.herald.delivery;

import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.broker.spi.OffsetRanges;
import io.herald.event.EventFilter;
import io.herald.event.MalformedEventException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The delivery state machine of a {@code KEY} or {@code NONE} subscription, the same for both
 * backends: the events of the partitions it owns, which of them may be handed out, their leases
 * and retries, their dead letters, and the offset each partition may commit.
 *
 * <pre>
 *  events ─admit─▶ (KEY: per-key queues, heads only) ─▶ ready ─take─▶ leased ─ack──────────▶ done
 *                          ▲                                            │ nack / lease expiry
 *                          └── retry due ◀── delayed ◀── recorded ◀─────┤ (retry record written)
 *                                                                       └ last attempt / reject
 *                                                                         ─▶ dead letter ─▶ done
 *  commit of a partition = its lowest offset not done, with the offsets done above it
 * </pre>
 *
 * <ul>
 *   <li>{@code NONE}: any ready event goes to any consumer (SQS).</li>
 *   <li>{@code KEY}: only the oldest unfinished event of a key may be out, so each key's events
 *       are handled in publish order while keys proceed in parallel; a retrying event holds back
 *       only its own key. After a dead letter the key goes on, or stays parked until the dead
 *       letter is redriven or purged ({@link KeyAfterDeadLetter}).</li>
 * </ul>
 *
 * What must be made durable (a retry record, a dead letter, a settlement, a parked key) goes to
 * {@link Effects}, which each backend writes its own way; the backend reports back when a write
 * is done ({@link #recorded}, {@link #deadLettered}), and only then does the entry move on. Time
 * is the caller's ({@code now}, epoch millis), so a test drives it by hand.
 *
 * <p>Not thread-safe: its owner calls it under one lock.
 */
public final class Window {

    /** What the window asks of its backend. Called under the owner's lock: implementations only start writes. */
    public interface Effects {
        /**
         * Write the entry's retry record (its failures and due time). True if it is written
         * already and the window goes on at once; false if the owner calls {@link #recorded} once it is.
         */
        boolean recordRetry(Entry e, int epoch);

        /**
         * Write the entry's dead letter (with the failure path, {@link DeadLetterWrite}: its intent
         * first, or, if the entry {@linkplain Entry#resumedIntent resumes} one, a look whether it is
         * written already), then call {@link #deadLettered}.
         */
        void deadLetter(Entry e, int epoch, String reason);

        /**
         * The entry is done (acked, or its dead letter written), and it is a redriven one, or one
         * with a retry record, or one dead-lettered: the backend records that it is settled. A
         * retry record of an event of a partition may end only once a durable commit passes the
         * event ({@link #forgotten}): until then it is what keeps a restart from delivering the
         * settled event again as attempt 1 (and dead-lettering it twice).
         */
        void settled(Entry e, boolean deadLettered);

        /** A durable commit passed a settled event that had a retry record: the record may end. */
        void forgotten(int partition, long offset);

        /** The entry's key parks at its dead letter: record it. */
        void parked(Entry e);

        /** A parked key goes on: end its record. */
        void unparked(int partition, String key);
    }

    private final Ordering ordering;
    private final KeyAfterDeadLetter afterDeadLetter;
    private final RetryPolicy policy;
    private final long leaseMillis;
    private final EventFilter filter;
    private final RandomGenerator random;
    private final Effects effects;
    private final Map<Integer, PartitionWindow> partitions = new HashMap<>();
    /** The same, by partition number: the lookup on every event and verdict. */
    private PartitionWindow[] byNumber = new PartitionWindow[0];
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private final Timers timers = new Timers();
    private long leased;
    private int unfinished;

    public Window(Ordering ordering, KeyAfterDeadLetter afterDeadLetter, RetryPolicy policy, Duration lease, EventFilter filter,
                  RandomGenerator random, Effects effects) {
        if (ordering == Ordering.PARTITION) {
            throw new IllegalArgumentException("ordering PARTITION is served by consumer-group members, not a window");
        }
        this.ordering = ordering;
        this.afterDeadLetter = afterDeadLetter;
        this.policy = policy;
        this.leaseMillis = lease.toMillis();
        this.filter = filter;
        this.random = random;
        this.effects = effects;
    }

    // ---- partitions

    /**
     * The partition is this window's from {@code position} on (its committed offset), with the
     * offsets at or above it that an earlier owner finished ({@code finished}, kept, not copied):
     * they are skipped, not delivered again. The backend then hands over what it kept of the
     * partition ({@link #restoreRetry}, {@link #park}, {@link #admitRedrive}) before any event comes in.
     */
    public void assign(int partition, long position, OffsetRanges finished) {
        PartitionWindow pw = new PartitionWindow(partition, position, finished);
        partitions.put(partition, pw);
        if (partition >= byNumber.length) {
            byNumber = java.util.Arrays.copyOf(byNumber, Math.max(partition + 1, 2 * byNumber.length));
        }
        byNumber[partition] = pw;
    }

    /**
     * A retry record of the partition's event at {@code offset}, as the backend kept it: the
     * event keeps its attempts and due time when it comes in. One the commit passed, or of an
     * event finished above it, is settled: it ends once a commit passes it.
     */
    public void restoreRetry(int partition, long offset, RetryRecord recorded) {
        if (!owned(partition).restoreRetry(offset, recorded)) {
            effects.forgotten(partition, offset);
        }
    }

    /** The partition went to another owner: its deliveries are void, its events forgotten. */
    public void revoke(int partition) {
        PartitionWindow pw = partitions.remove(partition);
        if (pw != null) {
            byNumber[partition] = null;
            leased -= pw.voidAll();
            unfinished -= pw.unfinished;
        }
    }

    /** The partition's window, or null if the partition is not this window's. */
    private PartitionWindow owned(int partition) {
        return partition >= 0 && partition < byNumber.length ? byNumber[partition] : null;
    }

    public Set<Integer> partitions() {
        return partitions.keySet();
    }

    /** The offset the partition may commit: its lowest offset not done, or the next to come in. */
    public long commitOffset(int partition) {
        return owned(partition).commitOffset();
    }

    /**
     * Whether the partition's {@link #commitOffset} or the offsets done above it changed since the
     * last call: the owner commits only then.
     */
    public boolean commitChanged(int partition) {
        return owned(partition).takeChanged();
    }

    /** A commit of the partition failed: {@link #commitChanged} says so again, so that it is made again. */
    public void commitFailed(int partition) {
        PartitionWindow pw = owned(partition);
        if (pw != null) {
            pw.changed = true;
        }
    }

    /**
     * The partition's offsets done at or above its {@link #commitOffset}, as ranges, for the
     * commit to carry: those an earlier owner finished or that were folded, and the runs of done
     * events behind the first unfinished one (up to as many as a commit's text can hold).
     */
    public OffsetRanges finished(int partition) {
        return owned(partition).finishedAboveCommit();
    }

    /** Events of the partition in memory and not done: the owner stops fetching it above a limit. */
    public int unfinished(int partition) {
        PartitionWindow pw = owned(partition);
        return pw == null ? 0 : pw.unfinished;
    }

    /** Events of all partitions in memory and not done. */
    public int unfinished() {
        return unfinished;
    }

    // ---- events in

    /** An event of a partition of the window, in offset order; ignored if the partition is not the window's. */
    public void admit(StoredEvent stored, long now) {
        PartitionWindow pw = owned(stored.position().partition());
        long offset = stored.position().offset();
        if (pw == null || offset < pw.next) {
            return;
        }
        pw.next = offset + 1;
        RetryRecord recorded = pw.recorded.isEmpty() ? null : pw.recorded.remove(offset);
        boolean finishedBefore = pw.finishedEarlier(offset);
        if (finishedBefore || (filter != null && !filter.matches(stored.event()))) {
            pw.skip(offset, finishedBefore, recorded != null);
            return;
        }
        Entry e = new Entry(pw.partition, offset, stored, keyOf(stored), null);
        if (recorded != null) {
            restore(e, recorded);
        }
        pw.entries.addLast(e);
        pw.unfinished++;
        unfinished++;
        enqueueOrResume(pw, e, now);
    }

    /**
     * A record of the partition that is no CloudEvent: nothing to deliver, so {@code standIn}
     * goes to the dead-letter topic at once and the offset is done once it is written.
     */
    public void admitUndecodable(StoredEvent standIn, String error, long now) {
        PartitionWindow pw = owned(standIn.position().partition());
        long offset = standIn.position().offset();
        if (pw == null || offset < pw.next) {
            return;
        }
        pw.next = offset + 1;
        RetryRecord recorded = pw.recorded.remove(offset);
        if (pw.finishedEarlier(offset)) {
            pw.changed = true;
            return;
        }
        Entry e = new Entry(pw.partition, offset, standIn, null, null);
        Instant at = Instant.ofEpochMilli(now);
        e.failures = new FailureRecord(1, at, at, MalformedEventException.class.getName(), error);
        pw.entries.addLast(e);
        pw.unfinished++;
        unfinished++;
        if (recorded != null && recorded.intent() != null) {
            e.intent = recorded.intent();
        }
        deadLetter(e, "not a CloudEvent: " + error);
    }

    /**
     * A dead letter sent back to the subscription, into the given partition of the window (with
     * {@code KEY}, the partition of its key, so it joins the key's queue): its key goes on if it
     * was parked, and it goes before the key's own events. {@code recorded}: its failures since
     * the redrive, if any.
     */
    public void admitRedrive(int partition, String redriveKey, long offset, StoredEvent event, Position originalPosition,
                             RetryRecord recorded, long now) {
        PartitionWindow pw = owned(partition);
        if (pw == null || pw.redrives.containsKey(redriveKey)) {
            return;
        }
        String key = keyOf(event);
        Entry e = new Entry(partition, offset, event, key, redriveKey);
        e.originalPosition = originalPosition;
        if (recorded != null) {
            restore(e, recorded);
        }
        pw.redrives.put(redriveKey, e);
        if (key != null && pw.keys.isParked(key)) {
            // the dead letter the key waits for is back: it goes first, and the key's events follow it
            unpark(pw, key, now, true);
        }
        enqueueOrResume(pw, e, now);
    }

    private static void restore(Entry e, RetryRecord recorded) {
        e.failures = recorded.failures();
        e.dueAt = recorded.dueAt();
        e.recorded = true;
        e.intent = recorded.intent();
    }

    private String keyOf(StoredEvent stored) {
        return ordering == Ordering.KEY ? stored.event().partitionKey().orElse(null) : null;
    }

    /**
     * An entry whose dead letter was being written when its last owner stopped goes on being
     * dead-lettered (its backend looks first whether the write made it): it is never delivered
     * again, and its key's later events wait behind it as they did.
     */
    private void enqueueOrResume(PartitionWindow pw, Entry e, long now) {
        if (e.intent == null) {
            enqueue(pw, e, now);
            return;
        }
        e.state = Entry.State.DEAD_LETTERING;
        if (e.key != null) {
            pw.keys.add(e, x -> { });
            pw.keys.arrange(e.key, x -> schedule(x, now)); // out entries first: it is the key's head
        }
        effects.deadLetter(e, e.epoch, e.intent.reason());
    }

    private void enqueue(PartitionWindow pw, Entry e, long now) {
        if (e.key == null) {
            schedule(e, now);
            return;
        }
        pw.keys.add(e, x -> schedule(x, now));
    }

    private void schedule(Entry e, long now) {
        if (e.dueAt > now) {
            e.state = Entry.State.DELAYED;
            timers.add(new Timers.Timer(e.dueAt, e, e.epoch));
        } else {
            e.state = Entry.State.READY;
            ready.add(e);
        }
    }

    // ---- deliveries out

    /** Up to {@code max} entries, each now leased (its epoch is the delivery's). */
    public List<Entry> take(int max, long now) {
        fireTimers(now);
        timers.forgetEndedLeases(leased);
        List<Entry> out = null;
        while ((out == null || out.size() < max) && !ready.isEmpty()) {
            Entry e = ready.poll();
            if (e.state != Entry.State.READY) {
                continue;
            }
            e.state = Entry.State.LEASED;
            e.epoch++;
            e.leaseDeadline = now + leaseMillis;
            timers.lease(new Timers.Timer(e.leaseDeadline, e, e.epoch));
            leased++;
            if (out == null) {
                out = new ArrayList<>(Math.min(max, 64));
            }
            out.add(e);
        }
        return out == null ? List.of() : out;
    }

    /** Entries in the ready queue (some may have moved on since): a share of it is a fair batch. */
    public int readyCount() {
        return ready.size();
    }

    /** When the next retry is due or lease expires (Long.MAX_VALUE: none). */
    public long nextTimer() {
        return timers.next();
    }

    /** Deliveries whose lease runs now. */
    public long leased() {
        return leased;
    }

    /** Lease records held for expiry, live or ended (a test checks they stay bounded). */
    public int leaseRecords() {
        return timers.leaseRecords();
    }

    /** Key queues held in memory, empty ones included (a test checks they stay bounded). */
    int keyQueuesHeld() {
        return partitions.values().stream().mapToInt(pw -> pw.keys.keysHeld()).sum();
    }

    /** Retries due become ready; expired leases fail (an attempt, then a retry at once or a dead letter). */
    public void fireTimers(long now) {
        for (Timers.Timer t = timers.pollDue(now); t != null; t = timers.pollDue(now)) {
            fire(t, now);
        }
    }

    private void fire(Timers.Timer t, long now) {
        Entry e = t.entry();
        if (t.epoch() != e.epoch) {
            return; // the entry moved on since this timer was set
        }
        if (e.state == Entry.State.DELAYED && e.dueAt <= now) {
            e.state = Entry.State.READY;
            ready.add(e);
        } else if (e.state == Entry.State.LEASED && e.leaseDeadline <= now) {
            leased--;
            e.epoch++;
            fail(e, null, "lease expired after " + leaseMillis + " ms", Duration.ZERO, now);
        }
    }

    // ---- verdicts

    /** Whether a delivery of this epoch is still the entry's live lease (its verdict counts). */
    public static boolean isCurrent(Entry e, int epoch) {
        return e.epoch == epoch && e.state == Entry.State.LEASED;
    }

    /** Whether the entry still waits for the dead letter written in this epoch (a failed write goes on being tried). */
    public static boolean awaitsDeadLetter(Entry e, int epoch) {
        return e.epoch == epoch && e.state == Entry.State.DEAD_LETTERING;
    }

    public boolean ack(Entry e, int epoch, long now) {
        if (!isCurrent(e, epoch)) {
            return false;
        }
        leased--;
        e.epoch++;
        if (e.recorded || e.isRedrive()) {
            settled(e, false);
        }
        finish(e, now);
        return true;
    }

    /** A nack ({@code error} null) or a push handler's failure; {@code delay} null: the policy's backoff. */
    public boolean nack(Entry e, int epoch, Duration delay, Throwable error, long now) {
        if (!isCurrent(e, epoch)) {
            return false;
        }
        leased--;
        e.epoch++;
        fail(e, error, error == null ? null : String.valueOf(error.getMessage()), delay, now);
        return true;
    }

    /** {@code reason} is never blank (AbstractDelivery gives the default). */
    public boolean reject(Entry e, int epoch, String reason, long now) {
        if (!isCurrent(e, epoch)) {
            return false;
        }
        leased--;
        e.epoch++;
        e.failures = e.failures.next(null, reason, Instant.ofEpochMilli(now));
        deadLetter(e, reason);
        return true;
    }

    /** Pushes the lease deadline out; false if the delivery is no longer the entry's lease. */
    public boolean extend(Entry e, int epoch, Duration by, long now) {
        if (!isCurrent(e, epoch)) {
            return false;
        }
        e.leaseDeadline = Math.max(e.leaseDeadline, now) + by.toMillis();
        timers.add(new Timers.Timer(e.leaseDeadline, e, e.epoch));
        return true;
    }

    /** A delivery failed: the policy decides between a retry (after its or the caller's delay) and a dead letter. */
    private void fail(Entry e, Throwable error, String message, Duration explicitDelay, long now) {
        e.failures = e.failures.next(error == null ? null : error.getClass().getName(), message, Instant.ofEpochMilli(now));
        switch (policy.decide(e.failures.attempts(), error, random)) {
            case RetryPolicy.Outcome.Retry retry -> {
                Duration delay = explicitDelay != null ? explicitDelay : retry.delay();
                e.dueAt = now + delay.toMillis();
                e.state = Entry.State.RECORDING;
                if (effects.recordRetry(e, e.epoch)) {
                    recorded(e, e.epoch, now);
                }
            }
            case RetryPolicy.Outcome.DeadLetter dead -> deadLetter(e, dead.reason());
        }
    }

    private void deadLetter(Entry e, String reason) {
        e.state = Entry.State.DEAD_LETTERING;
        e.recorded = true; // its dead letter's intent is a retry record, ended as any other once a commit passes it
        effects.deadLetter(e, e.epoch, reason);
    }

    /** The entry's retry record is written: it waits for its due time (and its turn). */
    public void recorded(Entry e, int epoch, long now) {
        if (e.epoch != epoch || e.state != Entry.State.RECORDING) {
            return;
        }
        e.recorded = true;
        e.state = Entry.State.BLOCKED;
        PartitionWindow pw = owned(e.partition);
        if (e.key != null && pw != null) {
            pw.keys.arrange(e.key, x -> schedule(x, now)); // redriven events of its key go before it
        } else {
            schedule(e, now);
        }
    }

    /** The entry's dead letter is written: it is done; with {@code PARK} its key waits for the dead letter. */
    public void deadLettered(Entry e, int epoch, long now) {
        if (!awaitsDeadLetter(e, epoch)) {
            return;
        }
        settled(e, true);
        PartitionWindow pw = owned(e.partition);
        if (pw != null && e.key != null && afterDeadLetter == KeyAfterDeadLetter.PARK) {
            pw.keys.park(e.key);
            effects.parked(e);
        }
        finish(e, now);
    }

    private void settled(Entry e, boolean deadLettered) {
        effects.settled(e, deadLettered);
        if (!e.isRedrive() && e.recorded) {
            PartitionWindow pw = owned(e.partition);
            if (pw != null) {
                pw.forgetOnCommit.add(e.offset);
            }
        }
    }

    /** A commit of the partition at {@code offset} is durable: the retry records of settled events below it end. */
    public void committed(int partition, long offset) {
        PartitionWindow pw = owned(partition);
        if (pw != null) {
            pw.committed(offset, o -> effects.forgotten(partition, o));
        }
    }

    /** The entry is done: its key's next event may go, and the commit may move. */
    private void finish(Entry e, long now) {
        e.state = Entry.State.DONE;
        PartitionWindow pw = owned(e.partition);
        if (pw == null) {
            return;
        }
        if (e.isRedrive()) {
            pw.redrives.remove(e.redriveKey);
        } else {
            e.stored = null;
            unfinished--;
            pw.entryDone();
        }
        if (e.keyQueue != null) {
            pw.keys.remove(e, x -> schedule(x, now));
        }
    }

    // ---- parked keys

    /** The key is parked at a dead letter (a record its backend kept, or one another process wrote). */
    public void park(int partition, String key) {
        PartitionWindow pw = owned(partition);
        if (pw != null) {
            pw.keys.park(key);
        }
    }

    /**
     * The key goes on (its dead letter was purged, or another process said so); {@code endRecord}:
     * whether this window's backend is the one to end the park record.
     */
    public void unpark(int partition, String key, long now, boolean endRecord) {
        PartitionWindow pw = owned(partition);
        if (pw != null) {
            unpark(pw, key, now, endRecord);
        }
    }

    private void unpark(PartitionWindow pw, String key, long now, boolean endRecord) {
        if (pw.keys.unpark(key)) {
            if (endRecord) {
                effects.unparked(pw.partition, key);
            }
            pw.keys.arrange(key, x -> schedule(x, now));
        }
    }

    // ---- state

    /** Whether a failure is being written (a retry record or a dead letter): a clean close waits for it. */
    public boolean settling() {
        return partitions.values().stream().anyMatch(PartitionWindow::settling);
    }

    /** Whether a failure of this partition's events is being written: a revoke waits for it before its last commit. */
    public boolean settling(int partition) {
        PartitionWindow pw = owned(partition);
        return pw != null && pw.settling();
    }

    /** Failed events waiting for their retry, in memory now. */
    public long retrying() {
        return partitions.values().stream().mapToLong(PartitionWindow::retrying).sum();
    }

    /** Redriven dead letters not done yet. */
    public int redriving() {
        return partitions.values().stream().mapToInt(pw -> pw.redrives.size()).sum();
    }
}
