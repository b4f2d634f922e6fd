package io.herald.kafka.dispatch;

import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.event.EventFilter;
import io.herald.kafka.failure.FailureRecord;
import io.herald.broker.spi.OffsetRanges;
import io.herald.kafka.state.StateRecord;
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
 * The bookkeeping of a {@code KEY} or {@code NONE} subscription's engine, without Kafka: the
 * events fetched from the partitions it owns, which of them may be handed out, their leases and
 * retries, and the offset each partition may commit.
 *
 * <pre>
 *  records ─admit─▶ (KEY: per-key queues, heads only) ─▶ ready ─take─▶ leased ─ack──────────▶ done
 *                          ▲                                             │ nack / lease expiry
 *                          └── retry due ◀── delayed ◀── recorded ◀──────┤ (Retry fact written)
 *                                                                        └ last attempt / reject
 *                                                                          ─▶ dead letter ─▶ done
 *  commit of a partition = its lowest offset not done, with the offsets done above it
 * </pre>
 *
 * What must reach Kafka (a retry schedule, a dead letter, the end of a fact) goes to
 * {@link Effects}; the owner reports back when it is written ({@link #recorded},
 * {@link #deadLettered}), and only then does the entry move on. Time is the caller's
 * ({@code now}, epoch millis), so a test drives it by hand.
 *
 * <p>Not thread-safe: its owner calls it under one lock.
 */
final class Window {

    /** What the window asks of Kafka. Called with the owner's lock held: implementations only start writes. */
    interface Effects {
        /** Write the entry's Retry fact, then call {@link #recorded}. */
        void recordRetry(Entry e, int epoch);

        /** Write the entry's dead letter, then call {@link #deadLettered}. */
        void deadLetter(Entry e, int epoch, String reason);

        /** A redriven entry is done: end its Redrive fact and its Retry fact, if any. */
        void ended(Entry e);

        /**
         * The commit passed an event of the topic that had a Retry fact: end that fact. Not before:
         * until the commit is durable, the fact is what keeps a restart from delivering the
         * settled event again as attempt 1 (and dead-lettering it twice).
         */
        void forgotten(int partition, long offset);

        /** The entry's key parks at its dead letter: write the Park fact. */
        void parked(Entry e);

        /** A parked key goes on: end its Park fact. */
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
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private int timerLimit = 4096;
    private long leased;

    Window(Ordering ordering, KeyAfterDeadLetter afterDeadLetter, RetryPolicy policy, Duration lease, EventFilter filter,
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
     * The partition is this window's from {@code position} on (its committed offset); {@code facts}
     * are its state partition's live facts (see {@link io.herald.kafka.state.StateFollower#rebuild}).
     */
    void assign(int partition, long position, Map<String, StateRecord.Read> facts, long now) {
        assign(partition, position, new OffsetRanges(), facts, now);
    }

    /**
     * As {@link #assign(int, long, Map, long)}, with the offsets at or above {@code position} that
     * an earlier owner finished (its commit metadata says which): they are skipped, not delivered again.
     */
    void assign(int partition, long position, OffsetRanges finished, Map<String, StateRecord.Read> facts, long now) {
        PartitionWindow pw = new PartitionWindow(partition, position, finished);
        partitions.put(partition, pw);
        List<StateRecord.Read> redrives = new ArrayList<>();
        for (StateRecord.Read read : facts.values()) {
            switch (read.fact().orElseThrow()) {
                case StateRecord.Retry r when r.source() == StateRecord.Source.TOPIC -> {
                    if (r.offset() < position) {
                        effects.forgotten(partition, r.offset()); // the commit passed it: the event is done
                    } else if (finished.contains(r.offset())) {
                        pw.forgetOnCommit.add(r.offset()); // done above the commit: ended once the commit passes it
                    } else {
                        pw.recorded.put(r.offset(), r);
                    }
                }
                case StateRecord.Retry r -> pw.redriveRetries.put(r.offset(), r);
                case StateRecord.Park p -> pw.parked.add(p.partitionKey());
                case StateRecord.Redrive d -> redrives.add(read);
                case StateRecord.Resolved x -> {
                    // the dead-letter queue's: which dead letters are no longer listed
                }
            }
        }
        for (StateRecord.Read read : redrives) {
            admitRedrive(pw, read.key(), read.offset(), (StateRecord.Redrive) read.fact().orElseThrow(), now);
        }
    }

    /** The partition went to another member: its deliveries are void, its events forgotten. */
    void revoke(int partition) {
        PartitionWindow pw = partitions.remove(partition);
        if (pw == null) {
            return;
        }
        for (Entry e : pw.entries.values()) {
            forget(e);
        }
        for (Entry e : pw.redrives.values()) {
            forget(e);
        }
    }

    private void forget(Entry e) {
        if (e.state == Entry.State.LEASED) {
            leased--;
        }
        e.epoch++;
        e.state = Entry.State.DONE;
    }

    Set<Integer> partitions() {
        return partitions.keySet();
    }

    /** The offset the partition may commit: its lowest offset not done, or the next to fetch. */
    long commitOffset(int partition) {
        PartitionWindow pw = partitions.get(partition);
        long offset = pw.entries.isEmpty() ? pw.next : pw.entries.firstEntry().getKey();
        pw.finished.forgetBelow(offset);
        return offset;
    }

    /** The partition's offsets done at or above its {@link #commitOffset}: the commit carries them. */
    OffsetRanges finished(int partition) {
        return partitions.get(partition).finished;
    }

    /** Events of the partition in memory and not done: the owner stops fetching above a limit. */
    int unfinished(int partition) {
        PartitionWindow pw = partitions.get(partition);
        return pw == null ? 0 : pw.unfinished;
    }

    // ---- events in

    /** An event fetched from its partition, in offset order; ignored if the partition is not this window's. */
    void admit(StoredEvent stored, long now) {
        PartitionWindow pw = partitions.get(stored.position().partition());
        long offset = stored.position().offset();
        if (pw == null || offset < pw.next) {
            return;
        }
        pw.next = offset + 1;
        boolean filteredOut = filter != null && !filter.matches(stored.event());
        if (filteredOut || pw.finished.contains(offset)) {
            pw.finished.add(offset);
            if (pw.recorded.remove(offset) != null) {
                pw.forgetOnCommit.add(offset);
            }
            return;
        }
        Entry e = new Entry(pw.partition, offset, stored, keyOf(stored), null);
        StateRecord.Retry recorded = pw.recorded.isEmpty() ? null : pw.recorded.remove(offset);
        if (recorded != null) {
            restore(e, recorded);
        }
        pw.entries.put(offset, e);
        pw.unfinished++;
        enqueue(pw, e, now);
    }

    /** A fact or an end that another process (or this one) wrote to a followed state partition. */
    void tailed(int partition, StateRecord.Read read, long now) {
        PartitionWindow pw = partitions.get(partition);
        if (pw == null) {
            return;
        }
        String key = read.key();
        if (key.startsWith("park/")) {
            String parkedKey = key.substring("park/".length());
            if (read.fact().isPresent()) {
                park(pw, parkedKey);
            } else {
                unpark(pw, parkedKey, now, false);
            }
        } else if (key.startsWith("redrive/") && read.fact().orElse(null) instanceof StateRecord.Redrive redrive
                && !pw.redrives.containsKey(key)) {
            admitRedrive(pw, key, read.offset(), redrive, now);
        }
    }

    private void admitRedrive(PartitionWindow pw, String factKey, long stateOffset, StateRecord.Redrive redrive, long now) {
        StoredEvent stored = new StoredEvent(redrive.deadLetterTopic(), redrive.deadLetter(), Instant.ofEpochMilli(now), redrive.event());
        String key = ordering == Ordering.KEY ? redrive.event().partitionKey().orElse(null) : null;
        Entry e = new Entry(pw.partition, stateOffset, stored, key, factKey);
        e.originalPosition = redrive.original();
        StateRecord.Retry recorded = pw.redriveRetries.remove(stateOffset);
        if (recorded != null) {
            restore(e, recorded);
        }
        pw.redrives.put(factKey, e);
        if (key != null && pw.parked.contains(key)) {
            // the dead letter the key waits for is back: it goes first, and the key's events follow it
            unpark(pw, key, now, true);
        }
        enqueue(pw, e, now);
    }

    private static void restore(Entry e, StateRecord.Retry recorded) {
        e.failures = FailureRecord.of(recorded);
        e.dueAt = recorded.dueAt().toEpochMilli();
        e.retryRecorded = true;
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
     * redriven to the key, then the key's own events in offset order. Only the head may go, and
     * not while the key is parked; a head that lost its place waits again.
     */
    private void arrange(PartitionWindow pw, String key, long now) {
        ArrayDeque<Entry> queue = pw.keys.get(key);
        if (queue == null || queue.isEmpty()) {
            return;
        }
        Entry oldHead = queue.peekFirst();
        List<Entry> out = new ArrayList<>(1);
        List<Entry> redriven = new ArrayList<>(0);
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
    List<Entry> take(int max, long now) {
        fireTimers(now);
        List<Entry> out = new ArrayList<>(Math.min(max, ready.size()));
        while (out.size() < max && !ready.isEmpty()) {
            Entry e = ready.poll();
            if (e.state != Entry.State.READY) {
                continue;
            }
            e.state = Entry.State.LEASED;
            e.epoch++;
            e.leaseDeadline = now + leaseMillis;
            addTimer(new Timer(e.leaseDeadline, e, e.epoch));
            leased++;
            out.add(e);
        }
        return out;
    }

    boolean hasReady() {
        for (Entry e : ready) {
            if (e.state == Entry.State.READY) {
                return true;
            }
        }
        return false;
    }

    /** When the next retry is due or lease expires (Long.MAX_VALUE: none). */
    long nextTimer() {
        while (!timers.isEmpty() && isStale(timers.peek())) {
            timers.poll();
        }
        return timers.isEmpty() ? Long.MAX_VALUE : timers.peek().at;
    }

    long leased() {
        return leased;
    }

    /** Retries due become ready; expired leases fail (an attempt, then a retry at once or a dead letter). */
    void fireTimers(long now) {
        while (!timers.isEmpty() && timers.peek().at <= now) {
            Timer t = timers.poll();
            Entry e = t.entry;
            if (t.epoch != e.epoch) {
                continue;
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
    }

    private void addTimer(Timer t) {
        timers.add(t);
        if (timers.size() > timerLimit) {
            // ended leases would otherwise stay until their deadline: amortized O(1) per timer
            timers.removeIf(Window::isStale);
            timerLimit = Math.max(4096, 2 * timers.size());
        }
    }

    private static boolean isStale(Timer t) {
        return t.epoch != t.entry.epoch
                || (t.entry.state != Entry.State.DELAYED && t.entry.state != Entry.State.LEASED);
    }

    // ---- verdicts

    /** Whether a delivery of this epoch is still the entry's live lease (its verdict counts). */
    static boolean isCurrent(Entry e, int epoch) {
        return e.epoch == epoch && e.state == Entry.State.LEASED;
    }

    boolean ack(Entry e, int epoch, long now) {
        if (!isCurrent(e, epoch)) {
            return false;
        }
        leased--;
        e.epoch++;
        settled(e);
        finish(e, now);
        return true;
    }

    /** A nack ({@code error} null) or a push handler's failure; {@code delay} null: the policy's backoff. */
    boolean nack(Entry e, int epoch, Duration delay, Throwable error, long now) {
        if (!isCurrent(e, epoch)) {
            return false;
        }
        leased--;
        e.epoch++;
        fail(e, error, error == null ? null : String.valueOf(error.getMessage()), delay, now);
        return true;
    }

    /** {@code reason} is never blank (AbstractDelivery gives the default). */
    boolean reject(Entry e, int epoch, String reason, long now) {
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
    boolean extend(Entry e, int epoch, Duration by, long now) {
        if (!isCurrent(e, epoch)) {
            return false;
        }
        e.leaseDeadline = Math.max(e.leaseDeadline, now) + by.toMillis();
        addTimer(new Timer(e.leaseDeadline, e, e.epoch));
        return true;
    }

    private void fail(Entry e, Throwable error, String message, Duration explicitDelay, long now) {
        e.failures = e.failures.next(error == null ? null : error.getClass().getName(), message, Instant.ofEpochMilli(now));
        switch (policy.decide(e.failures.attempts(), error, random)) {
            case RetryPolicy.Outcome.Retry retry -> {
                Duration delay = explicitDelay != null ? explicitDelay : retry.delay();
                e.dueAt = now + delay.toMillis();
                e.state = Entry.State.RECORDING;
                effects.recordRetry(e, e.epoch);
            }
            case RetryPolicy.Outcome.DeadLetter dead -> deadLetter(e, dead.reason());
        }
    }

    /**
     * A record of the partition that is no CloudEvent: nothing to deliver, so {@code standIn}
     * (see RecordEvents.undecodable) goes to the dead-letter topic at once and the offset is
     * finished once it is written.
     */
    void admitUndecodable(StoredEvent standIn, String error, long now) {
        PartitionWindow pw = partitions.get(standIn.position().partition());
        long offset = standIn.position().offset();
        if (pw == null || offset < pw.next) {
            return;
        }
        pw.next = offset + 1;
        if (pw.finished.contains(offset)) {
            pw.recorded.remove(offset);
            return;
        }
        Entry e = new Entry(pw.partition, offset, standIn, null, null);
        Instant at = Instant.ofEpochMilli(now);
        e.failures = new FailureRecord(1, at, at, io.herald.event.MalformedEventException.class.getName(), error);
        pw.entries.put(offset, e);
        pw.unfinished++;
        deadLetter(e, "not a CloudEvent: " + error);
    }

    private void deadLetter(Entry e, String reason) {
        e.state = Entry.State.DEAD_LETTERING;
        effects.deadLetter(e, e.epoch, reason);
    }

    /** The entry's retry schedule is in the state topic: it waits for its due time (and its turn). */
    void recorded(Entry e, int epoch, long now) {
        if (e.epoch != epoch || e.state != Entry.State.RECORDING) {
            return;
        }
        e.retryRecorded = true;
        e.state = Entry.State.BLOCKED;
        PartitionWindow pw = partitions.get(e.partition);
        if (e.key != null && pw != null) {
            arrange(pw, e.key, now); // redriven events of its key go before it
        } else {
            schedule(e, now);
        }
    }

    /**
     * What an entry's settlement does to its facts: a redrive's end at once (no commit covers a
     * redrive); a topic event's Retry fact waits for the commit to pass it ({@link #committed}).
     */
    private void settled(Entry e) {
        if (e.isRedrive()) {
            effects.ended(e);
        } else if (e.retryRecorded) {
            PartitionWindow pw = partitions.get(e.partition);
            if (pw != null) {
                pw.forgetOnCommit.add(e.offset);
            }
        }
    }

    /** A commit of the partition at {@code offset} is durable: the Retry facts of settled events below it end. */
    void committed(int partition, long offset) {
        PartitionWindow pw = partitions.get(partition);
        if (pw == null) {
            return;
        }
        SortedSet<Long> passed = pw.forgetOnCommit.headSet(offset);
        for (long o : passed) {
            effects.forgotten(partition, o);
        }
        passed.clear();
    }

    /** The entry's dead letter is written: it is done; with {@code PARK} its key waits for the dead letter. */
    void deadLettered(Entry e, int epoch, long now) {
        if (e.epoch != epoch || e.state != Entry.State.DEAD_LETTERING) {
            return;
        }
        settled(e);
        PartitionWindow pw = partitions.get(e.partition);
        if (pw != null && e.key != null && afterDeadLetter == KeyAfterDeadLetter.PARK) {
            pw.parked.add(e.key);
            effects.parked(e);
        }
        finish(e, now);
    }

    private void finish(Entry e, long now) {
        e.state = Entry.State.DONE;
        PartitionWindow pw = partitions.get(e.partition);
        if (pw == null) {
            return;
        }
        if (e.isRedrive()) {
            pw.redrives.remove(e.redriveKey);
        } else {
            pw.entries.remove(e.offset);
            pw.unfinished--;
            pw.finished.add(e.offset);
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

    // ---- parked keys

    private void park(PartitionWindow pw, String key) {
        if (pw.parked.add(key)) {
            ArrayDeque<Entry> queue = pw.keys.get(key);
            if (queue != null && !queue.isEmpty()) {
                block(queue.peekFirst());
            }
        }
    }

    private void unpark(PartitionWindow pw, String key, long now, boolean endFact) {
        if (pw.parked.remove(key)) {
            if (endFact) {
                effects.unparked(pw.partition, key);
            }
            arrange(pw, key, now);
        }
    }

    /** Whether a failure is being written (a retry schedule or a dead letter): a clean close waits for it. */
    boolean settling() {
        for (int partition : partitions.keySet()) {
            if (settling(partition)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure of this partition's events is being written: a revoke waits for it before its last commit. */
    boolean settling(int partition) {
        PartitionWindow pw = partitions.get(partition);
        if (pw == null) {
            return false;
        }
        for (Entry e : pw.entries.values()) {
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

    boolean isParked(int partition, String key) {
        PartitionWindow pw = partitions.get(partition);
        return pw != null && pw.parked.contains(key);
    }

    /** Failed events waiting for their retry, in memory now. */
    long retrying() {
        long n = 0;
        for (PartitionWindow pw : partitions.values()) {
            for (Entry e : pw.entries.values()) {
                n += e.failures.attempts() > 0 && (e.state == Entry.State.DELAYED || e.state == Entry.State.BLOCKED
                        || e.state == Entry.State.READY) ? 1 : 0;
            }
        }
        return n;
    }

    private static final class PartitionWindow {
        final int partition;
        /**
         * Events of the topic fetched and not done, by offset in offset order (admitted so). A
         * done event leaves at once, not when the commit passes it: behind a retry that waits an
         * hour, the events acked meanwhile would otherwise stay here with their payloads while
         * fetching goes on (the fetch limit counts only unfinished ones); the commit metadata's
         * finished offsets say which offsets above the commit are done.
         */
        final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
        /** Retry schedules of events not fetched yet (from the state partition), by offset. */
        final Map<Long, StateRecord.Retry> recorded = new HashMap<>();
        /** Retry schedules of redriven events, by the redrive fact's offset. */
        final Map<Long, StateRecord.Retry> redriveRetries = new HashMap<>();
        final Map<String, ArrayDeque<Entry>> keys = new HashMap<>();
        final Set<String> parked = new HashSet<>();
        final Map<String, Entry> redrives = new LinkedHashMap<>();
        /** Settled events whose Retry facts end once a durable commit passes them ({@link #committed}). */
        final TreeSet<Long> forgetOnCommit = new TreeSet<>();
        /** Offsets done at or above the commit offset (acked, dead-lettered, filtered out, or done by an earlier owner). */
        final OffsetRanges finished;
        long next;
        int unfinished;

        PartitionWindow(int partition, long position, OffsetRanges finished) {
            this.partition = partition;
            this.next = position;
            this.finished = finished;
        }
    }

    private record Timer(long at, Entry entry, int epoch) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(at, o.at);
        }
    }
}
