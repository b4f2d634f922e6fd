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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
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

        /** Write the entry's dead letter (with the failure path, {@link DeadLetterWrite}), then call {@link #deadLettered}. */
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

    /** A retry record a backend kept for an event: its failures so far and when it is due again. */
    public record Recorded(FailureRecord failures, long dueAt) {
    }

    /** More runs of offsets done above a commit than a commit's text can hold: the scan stops there. */
    private static final int FINISHED_MAX_RUNS = 1500;
    /** Done entries kept behind an unfinished one before they are folded into ranges. */
    private static final int DONE_FOLD_MIN = 4096;

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
    /**
     * Leases in the order they were taken. Every lease lasts the same, so their deadlines come in
     * this order too and expiry needs no priority queue; an extended lease also gets a
     * {@link #timers timer}, and its old place here is skipped.
     */
    private final ArrayDeque<Timer> leases = new ArrayDeque<>();
    /** Retries due later, and extended leases. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private int timerLimit = 4096;
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
    public void restoreRetry(int partition, long offset, Recorded recorded) {
        PartitionWindow pw = owned(partition);
        if (offset < pw.next) {
            effects.forgotten(partition, offset);
        } else if (pw.finished.contains(offset)) {
            pw.forgetOnCommit.add(offset);
        } else {
            pw.recorded.put(offset, recorded);
        }
    }

    /** The partition went to another owner: its deliveries are void, its events forgotten. */
    public void revoke(int partition) {
        PartitionWindow pw = partitions.remove(partition);
        if (pw == null) {
            return;
        }
        byNumber[partition] = null;
        for (Entry e : pw.entries) {
            forget(e);
        }
        for (Entry e : pw.redrives.values()) {
            forget(e);
        }
        unfinished -= pw.unfinished;
    }

    private void forget(Entry e) {
        if (e.state == Entry.State.LEASED) {
            leased--;
        }
        e.epoch++;
        e.state = Entry.State.DONE;
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
        PartitionWindow pw = owned(partition);
        return pw.entries.isEmpty() ? pw.next : pw.entries.peekFirst().offset;
    }

    /**
     * Whether the partition's {@link #commitOffset} or the offsets done above it changed since the
     * last call: the owner commits only then.
     */
    public boolean commitChanged(int partition) {
        PartitionWindow pw = owned(partition);
        boolean changed = pw.changed;
        pw.changed = false;
        return changed;
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
        PartitionWindow pw = owned(partition);
        long commit = commitOffset(partition);
        pw.finished.forgetBelow(commit);
        OffsetRanges out = new OffsetRanges();
        pw.finished.forEachFrom(commit, out::add);
        if (pw.done > 0) {
            forEachDoneRun(pw, FINISHED_MAX_RUNS, out::add);
        }
        return out;
    }

    /** The runs of done entries in the partition's queue, lowest first, up to {@code maxRuns}. */
    private static void forEachDoneRun(PartitionWindow pw, int maxRuns, OffsetRanges.RangeAction action) {
        long runStart = -1;
        long previous = -1;
        int seen = 0;
        int runs = 0;
        for (Entry e : pw.entries) {
            if (e.state == Entry.State.DONE) {
                if (runStart < 0) {
                    runStart = e.offset;
                }
                previous = e.offset;
                seen++;
            } else if (runStart >= 0) {
                action.accept(runStart, previous);
                runStart = -1;
                if (++runs >= maxRuns || seen == pw.done) {
                    return;
                }
            }
        }
        if (runStart >= 0) {
            action.accept(runStart, previous);
        }
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
        Recorded recorded = pw.recorded.isEmpty() ? null : pw.recorded.remove(offset);
        boolean finishedBefore = offset <= pw.finishedBefore && pw.finished.contains(offset);
        if (finishedBefore || (filter != null && !filter.matches(stored.event()))) {
            if (recorded != null) {
                pw.forgetOnCommit.add(offset);
            }
            if (!finishedBefore && !pw.entries.isEmpty()) {
                Entry done = new Entry(pw.partition, offset, null, null, null);
                done.state = Entry.State.DONE;
                pw.entries.addLast(done);
                pw.done++;
            }
            pw.changed = true;
            return;
        }
        Entry e = new Entry(pw.partition, offset, stored, keyOf(stored), null);
        if (recorded != null) {
            restore(e, recorded);
        }
        pw.entries.addLast(e);
        pw.unfinished++;
        unfinished++;
        enqueue(pw, e, now);
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
        if (offset <= pw.finishedBefore && pw.finished.contains(offset)) {
            pw.recorded.remove(offset);
            pw.changed = true;
            return;
        }
        Entry e = new Entry(pw.partition, offset, standIn, null, null);
        Instant at = Instant.ofEpochMilli(now);
        e.failures = new FailureRecord(1, at, at, MalformedEventException.class.getName(), error);
        pw.entries.addLast(e);
        pw.unfinished++;
        unfinished++;
        deadLetter(e, "not a CloudEvent: " + error);
    }

    /**
     * A dead letter sent back to the subscription, into the given partition of the window (with
     * {@code KEY}, the partition of its key, so it joins the key's queue): its key goes on if it
     * was parked, and it goes before the key's own events. {@code recorded}: its failures since
     * the redrive, if any.
     */
    public void admitRedrive(int partition, String redriveKey, long offset, StoredEvent event, Position originalPosition,
                             Recorded recorded, long now) {
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
        if (key != null && pw.parked.contains(key)) {
            // the dead letter the key waits for is back: it goes first, and the key's events follow it
            unpark(pw, key, now, true);
        }
        enqueue(pw, e, now);
    }

    private static void restore(Entry e, Recorded recorded) {
        e.failures = recorded.failures();
        e.dueAt = recorded.dueAt();
        e.recorded = true;
    }

    private String keyOf(StoredEvent stored) {
        return ordering == Ordering.KEY ? stored.event().partitionKey().orElse(null) : null;
    }

    private void enqueue(PartitionWindow pw, Entry e, long now) {
        if (e.key == null) {
            schedule(e, now);
            return;
        }
        ArrayDeque<Entry> queue = pw.keys.computeIfAbsent(e.key, k -> new ArrayDeque<>(2));
        queue.addLast(e);
        e.keyQueue = queue;
        if (e.isRedrive()) {
            arrange(pw, e.key, now);
        } else if (queue.size() == 1 && !pw.parked.contains(e.key)) {
            schedule(e, now);
        }
    }

    /**
     * Puts a key's queue in order: the entries out (leased or being settled), then the dead letters
     * redriven to the key, oldest redrive first, then the key's own events in offset order. A
     * redriven event is older than everything else waiting, so it goes first; the same rule holds
     * after a restart, when nothing is out. Only the head may go, and not while the key is parked;
     * a head that lost its place waits again.
     */
    private void arrange(PartitionWindow pw, String key, long now) {
        ArrayDeque<Entry> queue = pw.keys.get(key);
        if (queue == null || queue.isEmpty()) {
            return;
        }
        Entry oldHead = queue.peekFirst();
        List<Entry> out = new ArrayList<>(1);
        List<Entry> redriven = new ArrayList<>(1);
        List<Entry> own = new ArrayList<>(queue.size());
        for (Entry x : queue) {
            (x.isOut() ? out : x.isRedrive() ? redriven : own).add(x);
        }
        queue.clear();
        queue.addAll(out);
        queue.addAll(redriven);
        queue.addAll(own);
        Entry head = queue.peekFirst();
        if (oldHead != head) {
            block(oldHead);
        }
        if (head.state == Entry.State.BLOCKED && !pw.parked.contains(key)) {
            schedule(head, now);
        }
    }

    private static void block(Entry e) {
        if (e.state == Entry.State.READY || e.state == Entry.State.DELAYED) {
            e.state = Entry.State.BLOCKED;
            e.epoch++; // its place in the ready queue, or its timer, no longer counts
        }
    }

    private void schedule(Entry e, long now) {
        if (e.dueAt > now) {
            e.state = Entry.State.DELAYED;
            addTimer(new Timer(e.dueAt, e, e.epoch));
        } else {
            e.state = Entry.State.READY;
            ready.add(e);
        }
    }

    // ---- deliveries out

    /** Up to {@code max} entries, each now leased (its epoch is the delivery's). */
    public List<Entry> take(int max, long now) {
        fireTimers(now);
        forgetEndedLeases();
        List<Entry> out = null;
        while ((out == null || out.size() < max) && !ready.isEmpty()) {
            Entry e = ready.poll();
            if (e.state != Entry.State.READY) {
                continue;
            }
            e.state = Entry.State.LEASED;
            e.epoch++;
            e.leaseDeadline = now + leaseMillis;
            leases.addLast(new Timer(e.leaseDeadline, e, e.epoch));
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
        while (!leases.isEmpty() && isStale(leases.peekFirst())) {
            leases.pollFirst(); // ended leases would wake pollers for nothing
        }
        while (!timers.isEmpty() && isStale(timers.peek())) {
            timers.poll();
        }
        long next = leases.isEmpty() ? Long.MAX_VALUE : leases.peekFirst().at;
        return timers.isEmpty() ? next : Math.min(next, timers.peek().at);
    }

    /** Deliveries whose lease runs now. */
    public long leased() {
        return leased;
    }

    /** Lease records held for expiry, live or ended (a test checks they stay bounded). */
    public int leaseRecords() {
        return leases.size();
    }

    /** Retries due become ready; expired leases fail (an attempt, then a retry at once or a dead letter). */
    public void fireTimers(long now) {
        while (!leases.isEmpty() && leases.peekFirst().at <= now) {
            fire(leases.pollFirst(), now);
        }
        while (!timers.isEmpty() && timers.peek().at <= now) {
            fire(timers.poll(), now);
        }
    }

    private void fire(Timer t, long now) {
        Entry e = t.entry;
        if (t.epoch != e.epoch) {
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

    private void addTimer(Timer t) {
        timers.add(t);
        if (timers.size() > timerLimit) {
            // ended leases and moved-on retries would otherwise stay until their time: amortized O(1) per timer
            timers.removeIf(Window::isStale);
            timerLimit = Math.max(4096, 2 * timers.size());
        }
    }

    /**
     * Drops the leases that ended (acked, failed) from the lease FIFO once they outnumber the live
     * ones: they would otherwise stay, holding their events, until their deadline passed — at a
     * million acks a second and a 30-s lease, 30 million of them. Amortized O(1) per lease.
     */
    private void forgetEndedLeases() {
        if (leases.size() > 2 * leased + 1024) {
            leases.removeIf(Window::isStale);
        }
    }

    private static boolean isStale(Timer t) {
        return t.epoch != t.entry.epoch
                || (t.entry.state != Entry.State.DELAYED && t.entry.state != Entry.State.LEASED);
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
        addTimer(new Timer(e.leaseDeadline, e, e.epoch));
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
            arrange(pw, e.key, now); // redriven events of its key go before it
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
            pw.parked.add(e.key);
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
        if (pw == null || pw.forgetOnCommit.isEmpty()) {
            return;
        }
        SortedSet<Long> passed = pw.forgetOnCommit.headSet(offset);
        for (long o : passed) {
            effects.forgotten(partition, o);
        }
        passed.clear();
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
            pw.unfinished--;
            unfinished--;
            pw.done++;
            pw.changed = true;
            while (!pw.entries.isEmpty() && pw.entries.peekFirst().state == Entry.State.DONE) {
                pw.entries.pollFirst();
                pw.done--;
            }
            if (pw.done > DONE_FOLD_MIN && pw.done > 2 * pw.unfinished) {
                fold(pw);
            }
        }
        ArrayDeque<Entry> queue = e.keyQueue;
        if (queue != null) {
            if (queue.peekFirst() == e) {
                queue.pollFirst();
            } else {
                queue.remove(e);
            }
            Entry head = queue.peekFirst();
            if (head == null) {
                pw.keys.remove(e.key);
            } else if (head.state == Entry.State.BLOCKED && !pw.parked.contains(e.key)) {
                schedule(head, now);
            }
        }
    }

    /**
     * Moves the done entries behind the first unfinished one into the partition's ranges: behind
     * a retry that waits an hour, the events acked meanwhile would otherwise stay in memory with
     * their payloads while events go on coming in (the limit counts only unfinished ones).
     * Amortized O(1) per entry.
     */
    private static void fold(PartitionWindow pw) {
        forEachDoneRun(pw, Integer.MAX_VALUE, pw.finished::add); // all of them: the entries go
        pw.entries.removeIf(x -> x.state == Entry.State.DONE);
        pw.done = 0;
    }

    // ---- parked keys

    /** The key is parked at a dead letter (a record its backend kept, or one another process wrote). */
    public void park(int partition, String key) {
        PartitionWindow pw = owned(partition);
        if (pw != null && pw.parked.add(key)) {
            ArrayDeque<Entry> queue = pw.keys.get(key);
            if (queue != null && !queue.isEmpty()) {
                block(queue.peekFirst());
            }
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
        if (pw.parked.remove(key)) {
            if (endRecord) {
                effects.unparked(pw.partition, key);
            }
            arrange(pw, key, now);
        }
    }

    // ---- state

    /** Whether a failure is being written (a retry record or a dead letter): a clean close waits for it. */
    public boolean settling() {
        for (int partition : partitions.keySet()) {
            if (settling(partition)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure of this partition's events is being written: a revoke waits for it before its last commit. */
    public boolean settling(int partition) {
        PartitionWindow pw = owned(partition);
        if (pw == null) {
            return false;
        }
        for (Entry e : pw.entries) {
            if (e.state == Entry.State.RECORDING || e.state == Entry.State.DEAD_LETTERING) {
                return true;
            }
        }
        for (Entry e : pw.redrives.values()) {
            if (e.state == Entry.State.RECORDING || e.state == Entry.State.DEAD_LETTERING) {
                return true;
            }
        }
        return false;
    }

    /** Failed events waiting for their retry, in memory now. */
    public long retrying() {
        long n = 0;
        for (PartitionWindow pw : partitions.values()) {
            for (Entry e : pw.entries) {
                n += isRetrying(e) ? 1 : 0;
            }
            for (Entry e : pw.redrives.values()) {
                n += isRetrying(e) ? 1 : 0;
            }
        }
        return n;
    }

    private static boolean isRetrying(Entry e) {
        return e.failures.attempts() > 0
                && (e.state == Entry.State.DELAYED || e.state == Entry.State.BLOCKED || e.state == Entry.State.READY);
    }

    /** Redriven dead letters not done yet. */
    public int redriving() {
        int n = 0;
        for (PartitionWindow pw : partitions.values()) {
            n += pw.redrives.size();
        }
        return n;
    }

    private static final class PartitionWindow {
        final int partition;
        /**
         * Events of the partition come in and not done, in offset order, with the done ones behind
         * the first unfinished one (until the commit passes them, or they are {@link #fold folded}).
         */
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        /** Done entries in {@link #entries}. */
        int done;
        /** Retry records of events not come in yet, by offset. */
        final Map<Long, Recorded> recorded = new HashMap<>();
        final Map<String, ArrayDeque<Entry>> keys = new HashMap<>();
        final Set<String> parked = new HashSet<>();
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
    }

    private record Timer(long at, Entry entry, int epoch) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(at, o.at);
        }
    }
}
