package io.herald.embedded.dispatch;

import io.herald.broker.Delivery;
import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.broker.spi.OffsetRanges;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.stats.AckRate;
import io.herald.embedded.topic.Partition;
import io.herald.embedded.topic.PartitionFetcher;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.Wakeup;
import io.herald.event.EventFilter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the events of one subscription with ordering {@code KEY} or {@code NONE} to any
 * number of consumers, each delivery on a lease.
 *
 * <pre>
 *  partitions ─fetch─▶ window ─▶ (KEY: per-key queues, only heads) ─▶ ready ─poll─▶ leased
 *                        ▲                                               ▲            │
 *                        │          retry due / lease expired ─timers────┘            │
 *                        └──── cursor = lowest offset not done ◀── ack / dead letter ─┘
 * </pre>
 *
 * <ul>
 *   <li>{@code NONE}: any ready event goes to any consumer (SQS).</li>
 *   <li>{@code KEY}: only the oldest unfinished event of a key may be out, so each key's events
 *       are handled in publish order while keys proceed in parallel; a retrying event holds back
 *       only its own key. After a dead letter the key continues, or stays parked until the dead
 *       letter is redriven or purged ({@link KeyAfterDeadLetter}).</li>
 * </ul>
 *
 * A failed delivery (nack, exception) is retried after the policy's backoff, an expired lease at
 * once (as on Kafka), the attempt kept in {@link DeliveryStateStore}
 * so a restart keeps it; when the policy gives up, or on a
 * reject, the event goes to the dead-letter topic, and only then counts as done. The cursor of a
 * partition moves to its lowest offset not done, so a restart redelivers (never skips) what was
 * in flight. Thread-safe: one lock guards the window.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Events held in memory at most, not counting those already done. */
    static final int WINDOW = 20_000;
    /**
     * The most text a cursor record gives the offsets finished above it: acks out of order beyond
     * it reach the disk only on a clean close (the rest are delivered again after a crash).
     */
    static final int FINISHED_MAX_CHARS = 3000;
    /** More runs than the text can hold: {@link #finishedText} stops reading the window there. */
    private static final int FINISHED_MAX_RUNS = FINISHED_MAX_CHARS / 2;
    /**
     * Cursors go to the store at most this often (and always on leave and close): the store writes
     * them only every {@code EmbeddedBroker.CURSOR_FLUSH_MILLIS} anyway, and each hand-over encodes
     * the offsets finished above them, which per poll cost ack-only KEY five sixths of its throughput.
     */
    static final long CURSOR_HANDOVER_MILLIS = 20;
    private static final long MAX_WAIT_SLICE_NANOS = Duration.ofMillis(50).toNanos();
    private static final long DEAD_LETTER_RETRY_MILLIS = 1000;

    private final Topic topic;
    private final String name;
    private final SubscriptionSpec spec;
    private final String deadLetterTopic;
    private final EventFilter filter;
    private final CursorStore cursors;
    private final DeliveryStateStore states;
    private final DeadLetterSink deadLetters;
    private final Clock clock;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<Wakeup> waiting = new CopyOnWriteArraySet<>();
    private final Runnable onAppend = this::wakeAll;

    private final PartitionWindow[] partitions;
    private final Map<String, ArrayDeque<Entry>> keys = new HashMap<>();
    private final Set<String> parkedKeys = new HashSet<>();
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /**
     * Leases in the order they were taken. Every lease lasts the subscription's lease duration,
     * so their deadlines come in this order too and expiry needs no priority queue; an extended
     * lease also gets a {@link #timers timer} and its old place here is skipped.
     */
    private final ArrayDeque<Lease> leases = new ArrayDeque<>();
    private final Map<String, Entry> redrives = new HashMap<>();
    private final Map<String, Long> consumers = new HashMap<>();
    private final AckRate ackRate;
    private final long leaseMillis;
    private int inWindow;
    private int rotation;
    private long leased;
    private boolean dirtyCursors;
    private long lastHandover;
    private boolean closed;

    public Dispatcher(Topic topic, String name, SubscriptionSpec spec, CursorStore cursors, DeliveryStateStore states,
                      DeadLetterSink deadLetters, Clock clock, RandomGenerator random) {
        if (spec.ordering() == Ordering.PARTITION) {
            throw new IllegalArgumentException("ordering PARTITION is served by consumer groups, not a dispatcher");
        }
        this.topic = topic;
        this.name = name;
        this.spec = spec;
        this.deadLetterTopic = spec.deadLetterTopicFor(topic.name(), name);
        this.filter = spec.filter().map(EventFilter::compile).orElse(null);
        this.cursors = cursors;
        this.states = states;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.random = random;
        this.ackRate = new AckRate(clock);
        this.leaseMillis = spec.leaseDuration().toMillis();
        this.lastHandover = clock.millis() - CURSOR_HANDOVER_MILLIS;
        this.partitions = new PartitionWindow[topic.partitions().size()];
        for (Partition p : topic.partitions()) {
            long cursor = cursors.cursor(topic.name(), name, p.index()).orElse(p.offsetFor(spec.start()));
            partitions[p.index()] = new PartitionWindow(new PartitionFetcher(p, cursor), cursor,
                    states.states(topic.name(), name, p.index()), OffsetRanges.decode(cursor, cursors.finished(topic.name(), name, p.index())));
            p.addListener(onAppend);
        }
        parkedKeys.addAll(states.parkedKeys(topic.name(), name));
        loadRedrives();
    }

    public String subscription() {
        return name;
    }

    public SubscriptionSpec spec() {
        return spec;
    }

    // ---- consumers

    /** Up to {@code max} deliveries for {@code consumer}, waiting up to {@code wait} for the first. */
    public List<Delivery> poll(String consumer, int max, Duration wait) {
        return poll(consumer, max, 1, wait, List.of());
    }

    /**
     * Like {@link #poll(String, int, Duration)} for one of {@code sharers} threads that poll
     * alike (a push consumer's workers): takes at most its fair share of what is ready, so
     * that a batch taken by one thread never leaves the others idle, yet a backlog is taken in
     * batches, with one lock for many events. The thread's acks of its last batch ({@code acked},
     * see {@link AckBatch}) take effect first.
     */
    List<Delivery> poll(String consumer, int max, int sharers, Duration wait, List<QueueDelivery> acked) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        Wakeup wakeup = new Wakeup();
        boolean first = true;
        while (true) {
            List<Delivery> out;
            long nextTimerMillis;
            lock.lock();
            try {
                checkOpen();
                if (first) {
                    for (QueueDelivery d : acked) {
                        d.applyAck();
                    }
                    first = false;
                }
                consumers.put(consumer, clock.millis());
                fill();
                fireTimers();
                out = lease(Math.min(max, Math.max(1, ready.size() / Math.max(1, sharers))));
                commitCursors();
                nextTimerMillis = nextTimer() - clock.millis();
            } finally {
                lock.unlock();
            }
            long remaining = deadline - System.nanoTime();
            if (!out.isEmpty() || remaining <= 0) {
                return out;
            }
            long sleep = Math.min(remaining, MAX_WAIT_SLICE_NANOS);
            if (nextTimerMillis < Long.MAX_VALUE / 2) {
                sleep = Math.max(0, Math.min(sleep, Duration.ofMillis(Math.max(1, nextTimerMillis)).toNanos()));
            }
            waiting.add(wakeup);
            try {
                wakeup.await(sleep);
            } finally {
                waiting.remove(wakeup);
            }
        }
    }

    public void leave(String consumer) {
        lock.lock();
        try {
            consumers.remove(consumer);
            if (!closed) {
                commitCursors(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Consumers that polled in the last lease period. */
    public List<String> members() {
        lock.lock();
        try {
            long since = clock.millis() - Math.max(spec.leaseDuration().toMillis(), 1000);
            return consumers.entrySet().stream().filter(e -> e.getValue() >= since).map(Map.Entry::getKey).sorted().toList();
        } finally {
            lock.unlock();
        }
    }

    private List<Delivery> lease(int max) {
        forgetEndedLeases();
        List<Delivery> out = null;
        long now = clock.millis();
        while ((out == null || out.size() < max) && !ready.isEmpty()) {
            Entry e = ready.poll();
            if (e.state != Entry.State.READY) {
                continue;
            }
            e.state = Entry.State.LEASED;
            e.epoch++;
            e.leaseDeadline = now + leaseMillis;
            leases.addLast(new Lease(e.leaseDeadline, e, e.epoch));
            leased++;
            if (out == null) {
                out = new ArrayList<>(Math.min(max, 64));
            }
            out.add(new QueueDelivery(this, e, e.epoch, e.failures + 1));
        }
        return out == null ? List.of() : out;
    }

    // ---- the window

    /** Reads events from the partitions until the window is full or they have no more. */
    private void fill() {
        boolean progress = true;
        while (inWindow < WINDOW && progress) {
            progress = false;
            int start = rotation++;
            for (int i = 0; i < partitions.length && inWindow < WINDOW; i++) {
                PartitionWindow pw = partitions[Math.floorMod(start + i, partitions.length)];
                StoredEvent stored = pw.fetcher.next();
                if (stored != null) {
                    admit(pw, stored);
                    progress = true;
                }
            }
        }
    }

    private void admit(PartitionWindow pw, StoredEvent stored) {
        Entry e = new Entry(stored, keyOf(stored), null);
        pw.entries.addLast(e);
        var recorded = pw.recorded.isEmpty() ? Optional.<DeliveryStateStore.OffsetState>empty()
                : Optional.ofNullable(pw.recorded.remove(e.offset()));
        if ((filter != null && !filter.matches(stored.event())) || recorded.map(DeliveryStateStore.OffsetState::settled).orElse(false)
                || pw.finished.contains(e.offset())) {
            e.state = Entry.State.DONE;
            finishedAbove(pw, e);
            advanceCursor(pw);
            return;
        }
        recorded.ifPresent(e::restore);
        inWindow++;
        if (spec.ordering() == Ordering.KEY) {
            ArrayDeque<Entry> queue = keys.computeIfAbsent(e.key, k -> new ArrayDeque<>(2));
            queue.addLast(e);
            e.keyQueue = queue;
            if (queue.size() == 1 && !parkedKeys.contains(e.key)) {
                schedule(e);
            }
        } else {
            schedule(e);
        }
    }

    /** The ordering key; NONE orders nothing, so its entries have none. */
    private String keyOf(StoredEvent stored) {
        if (spec.ordering() != Ordering.KEY) {
            return null;
        }
        return stored.event().partitionKey().orElseGet(() -> "\u0000" + stored.position());
    }

    /** Makes a waiting entry ready now, or when it is due. */
    private void schedule(Entry e) {
        e.state = Entry.State.WAITING;
        if (e.dueAt > clock.millis()) {
            timers.add(new Timer(e.dueAt, e, e.epoch));
        } else {
            e.state = Entry.State.READY;
            ready.add(e);
        }
    }

    private void fireTimers() {
        long now = clock.millis();
        while (!leases.isEmpty() && leases.peekFirst().at <= now) {
            Lease l = leases.pollFirst();
            fire(l.entry, l.epoch, now);
        }
        while (!timers.isEmpty() && timers.peek().at <= now) {
            Timer t = timers.poll();
            fire(t.entry, t.epoch, now);
        }
    }

    private void fire(Entry e, int epoch, long now) {
        if (epoch != e.epoch) {
            return; // the entry moved on since this timer was set
        }
        if (e.state == Entry.State.WAITING && e.dueAt <= now) {
            e.state = Entry.State.READY;
            ready.add(e);
        } else if (e.state == Entry.State.LEASED && e.leaseDeadline <= now) {
            leased--;
            e.epoch++;
            fail(e, null, "lease expired after " + leaseMillis + " ms", Duration.ZERO);
        }
    }

    /**
     * Drops the leases that ended (acked, failed) from the lease FIFO once they outnumber the live
     * ones: they would otherwise stay, holding their events, until their deadline passed — at a
     * million acks a second and a 30-s lease, 30 million of them. Amortized O(1) per lease.
     */
    private void forgetEndedLeases() {
        if (leases.size() > 2 * leased + 1024) {
            leases.removeIf(l -> l.epoch != l.entry.epoch);
        }
    }

    /** When the next lease expires or the next waiting event is due (Long.MAX_VALUE: never). */
    private long nextTimer() {
        long next = Long.MAX_VALUE;
        // skip leases that ended: they would wake pollers for nothing
        while (!leases.isEmpty() && leases.peekFirst().epoch != leases.peekFirst().entry.epoch) {
            leases.pollFirst();
        }
        if (!leases.isEmpty()) {
            next = leases.peekFirst().at;
        }
        if (!timers.isEmpty()) {
            next = Math.min(next, timers.peek().at);
        }
        return next;
    }

    // ---- ending deliveries (called by QueueDelivery)

    void ack(Entry e, int epoch) {
        lock.lock();
        try {
            ackLocked(e, epoch);
        } finally {
            lock.unlock();
        }
    }

    /** Acks of several deliveries under one lock. */
    void ackAll(List<QueueDelivery> acked) {
        if (acked.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (QueueDelivery d : acked) {
                d.applyAck();
            }
        } finally {
            lock.unlock();
        }
    }

    /** An ack, with the lock held. */
    void ackLocked(Entry e, int epoch) {
        if (!isCurrent(e, epoch)) {
            return;
        }
        leased--;
        e.epoch++;
        ackRate.record();
        if (e.isRedrive()) {
            states.removeRedrive(topic.name(), name, e.redrive.deadLetterTopic(), e.redrive.partition(), e.redrive.offset());
        } else if (e.failures > 0) {
            states.settle(topic.name(), name, e.partition(), e.offset(), false);
        }
        finish(e);
    }

    void nack(Entry e, int epoch, Duration delay, Throwable error) {
        lock.lock();
        try {
            if (!isCurrent(e, epoch)) {
                return;
            }
            leased--;
            e.epoch++;
            fail(e, error, error == null ? null : String.valueOf(error.getMessage()), delay);
        } finally {
            lock.unlock();
        }
    }

    /** {@code reason} is never blank (AbstractDelivery gives the default). */
    void reject(Entry e, int epoch, String reason) {
        lock.lock();
        try {
            if (!isCurrent(e, epoch)) {
                return;
            }
            leased--;
            e.epoch++;
            e.failures++;
            stampFailure(e, null, reason);
            deadLetter(e, reason);
        } finally {
            lock.unlock();
        }
    }

    void extend(Entry e, int epoch, Duration by) {
        lock.lock();
        try {
            if (isCurrent(e, epoch)) {
                e.leaseDeadline = Math.max(e.leaseDeadline, clock.millis()) + by.toMillis();
                timers.add(new Timer(e.leaseDeadline, e, e.epoch));
            }
        } finally {
            lock.unlock();
        }
    }

    long leaseDeadline(Entry e, int epoch) {
        lock.lock();
        try {
            return e.leaseDeadline;
        } finally {
            lock.unlock();
        }
    }

    private boolean isCurrent(Entry e, int epoch) {
        return e.epoch == epoch && e.state == Entry.State.LEASED && !closed;
    }

    /** A delivery failed: retry after the policy's (or the caller's) delay, or dead-letter it. */
    private void fail(Entry e, Throwable error, String message, Duration explicitDelay) {
        e.failures++;
        stampFailure(e, error == null ? null : error.getClass().getName(), message);
        RetryPolicy policy = spec.retry();
        RetryPolicy.Outcome outcome = policy.decide(e.failures, error, random);
        if (outcome instanceof RetryPolicy.Outcome.Retry retry) {
            Duration delay = explicitDelay != null ? explicitDelay : retry.delay();
            e.dueAt = clock.millis() + delay.toMillis();
            if (e.isRedrive()) {
                states.addRedrive(topic.name(), name, e.redrive.withState(e.failureState()));
            } else {
                states.recordFailure(topic.name(), name, e.partition(), e.offset(), e.failureState());
            }
            schedule(e);
            if (spec.ordering() == Ordering.KEY) {
                arrange(e.key); // back from being out: redriven events of its key go before it
            }
        } else {
            deadLetter(e, ((RetryPolicy.Outcome.DeadLetter) outcome).reason());
        }
    }

    private void stampFailure(Entry e, String errorClass, String message) {
        long now = clock.millis();
        if (e.firstFailure == 0) {
            e.firstFailure = now;
        }
        e.lastFailure = now;
        e.errorClass = errorClass;
        e.errorMessage = message;
    }

    /** Writes the entry to the dead-letter topic; it counts as done once the dead letter is on disk. */
    private void deadLetter(Entry e, String reason) {
        e.state = Entry.State.DEAD_LETTERING;
        int epoch = e.epoch;
        CompletableFuture<Position> write;
        try {
            write = deadLetters.write(deadLetterTopic, topic, e.stored.event(), name,
                    e.isRedrive() ? originalPosition(e) : e.position(), e.failures,
                    Instant.ofEpochMilli(e.firstFailure), Instant.ofEpochMilli(e.lastFailure), e.errorClass, e.errorMessage, reason);
        } catch (RuntimeException failure) {
            write = CompletableFuture.failedFuture(failure);
        }
        write.whenComplete((position, failure) -> deadLettered(e, epoch, failure));
    }

    private Position originalPosition(Entry e) {
        return DeadLetterFormat.read(e.stored).map(io.herald.broker.DeadLetter::originalPosition).orElse(e.position());
    }

    private void deadLettered(Entry e, int epoch, Throwable failure) {
        lock.lock();
        try {
            if (e.epoch != epoch || e.state != Entry.State.DEAD_LETTERING || closed) {
                return;
            }
            if (failure != null) {
                LOG.warn("cannot write a dead letter of subscription '{}' to '{}'; trying again in {} ms",
                        name, deadLetterTopic, DEAD_LETTER_RETRY_MILLIS, failure);
                e.dueAt = clock.millis() + DEAD_LETTER_RETRY_MILLIS;
                e.failures--; // the attempt is counted again when it fails again
                schedule(e);
                return;
            }
            if (e.isRedrive()) {
                states.removeRedrive(topic.name(), name, e.redrive.deadLetterTopic(), e.redrive.partition(), e.redrive.offset());
            } else {
                states.settle(topic.name(), name, e.partition(), e.offset(), true);
            }
            if (spec.ordering() == Ordering.KEY && spec.keyAfterDeadLetter() == KeyAfterDeadLetter.PARK && !e.key.startsWith("\u0000")) {
                parkedKeys.add(e.key);
                states.park(topic.name(), name, e.key);
            }
            finish(e);
        } finally {
            lock.unlock();
        }
        states.flush(); // a dead-lettering is on disk soon after the dead letter, so it is written once
    }

    /** The entry is done: its key's next event may go, and the cursor may move. */
    private void finish(Entry e) {
        e.state = Entry.State.DONE;
        if (e.isRedrive()) {
            redrives.remove(e.redrive.deadLetterTopic() + "/" + e.redrive.partition() + "@" + e.redrive.offset());
        } else {
            inWindow--;
        }
        if (spec.ordering() == Ordering.KEY) {
            ArrayDeque<Entry> queue = e.keyQueue;
            if (queue != null) {
                if (queue.peekFirst() == e) {
                    queue.pollFirst();
                } else {
                    queue.remove(e);
                }
                if (queue.isEmpty()) {
                    keys.remove(e.key);
                } else if (!parkedKeys.contains(e.key) && queue.peekFirst().state == Entry.State.WAITING) {
                    schedule(queue.peekFirst());
                }
            }
        }
        if (!e.isRedrive()) {
            PartitionWindow pw = partitions[e.partition()];
            finishedAbove(pw, e);
            advanceCursor(pw);
        }
        wakeAll();
    }

    /** Notes an event of the topic done above the cursor, to be committed with it. */
    private void finishedAbove(PartitionWindow pw, Entry e) {
        if (pw.entries.peekFirst() != e) {
            pw.finishedChanged = true;
            dirtyCursors = true;
        }
    }

    /**
     * The offsets finished above the cursor as text for the cursor record: the runs of done
     * entries behind the first one pending, and what the last run committed beyond the window.
     */
    private static String finishedText(PartitionWindow pw) {
        OffsetRanges runs = new OffsetRanges();
        long runStart = -1;
        long previous = -1;
        int count = 0;
        for (Entry e : pw.entries) {
            if (e.state == Entry.State.DONE) {
                if (runStart < 0) {
                    runStart = e.offset();
                }
                previous = e.offset();
            } else if (runStart >= 0) {
                runs.addRunAbove(runStart, previous);
                runStart = -1;
                if (++count >= FINISHED_MAX_RUNS) {
                    break; // more than the text can hold: the rest come again after a crash
                }
            }
        }
        if (runStart >= 0) {
            runs.addRunAbove(runStart, previous);
        }
        long beyond = pw.fetcher.position();
        pw.finished.forEachFrom(beyond, runs::addRunAbove);
        return runs.rangeCount() == 0 ? null : runs.encode(pw.cursor, FINISHED_MAX_CHARS);
    }

    private void advanceCursor(PartitionWindow pw) {
        boolean moved = false;
        while (!pw.entries.isEmpty() && pw.entries.peekFirst().state == Entry.State.DONE) {
            pw.cursor = pw.entries.pollFirst().offset() + 1;
            moved = true;
        }
        if (pw.entries.isEmpty() && pw.fetcher.position() > pw.cursor) {
            pw.cursor = pw.fetcher.position();
            moved = true;
        }
        if (moved) {
            dirtyCursors = true;
            if (pw.finished.rangeCount() > 0) {
                pw.finished.forgetBelow(pw.cursor);
                pw.finishedChanged = true;
            }
        }
    }

    /**
     * Hands the cursors that moved, with the offsets finished above them, to the cursor store: at
     * a poll at most every {@link #CURSOR_HANDOVER_MILLIS} rather than once per ack, since the
     * store writes them to disk only every few milliseconds anyway. A cursor not yet handed on
     * when the process dies means redelivery, never loss.
     */
    private void commitCursors() {
        commitCursors(false);
    }

    private void commitCursors(boolean now) {
        if (!dirtyCursors) {
            return;
        }
        long at = clock.millis();
        if (!now && at - lastHandover < CURSOR_HANDOVER_MILLIS) {
            return;
        }
        lastHandover = at;
        dirtyCursors = false;
        for (PartitionWindow pw : partitions) {
            if (pw.cursor != pw.committed || pw.finishedChanged) {
                int p = pw.fetcher.partition().index();
                String finished = finishedText(pw);
                cursors.commit(topic.name(), name, p, pw.cursor, finished);
                if (pw.cursor != pw.committed) {
                    states.forgetBelow(topic.name(), name, p, pw.cursor);
                }
                pw.committed = pw.cursor;
                pw.finishedChanged = false;
            }
        }
    }

    // ---- redrive and purge

    /** Dead letters were redriven to this subscription: take them into the window. */
    public void loadRedrives() {
        lock.lock();
        try {
            for (DeliveryStateStore.Redrive r : states.redrives(topic.name(), name)) {
                String id = r.deadLetterTopic() + "/" + r.partition() + "@" + r.offset();
                if (redrives.containsKey(id)) {
                    continue;
                }
                Optional<StoredEvent> stored = deadLetters.read(r.deadLetterTopic(), new Position(r.partition(), r.offset()));
                if (stored.isEmpty()) {
                    states.removeRedrive(topic.name(), name, r.deadLetterTopic(), r.partition(), r.offset());
                    continue;
                }
                StoredEvent original = DeadLetterFormat.read(stored.get())
                        .map(d -> new StoredEvent(d.topic(), stored.get().position(), stored.get().appendTime(), d.event()))
                        .orElse(stored.get());
                Entry e = new Entry(original, r.partitionKey() != null ? r.partitionKey() : "\u0000" + id, r);
                if (r.state() != null) {
                    e.restore(r.state()); // its failures since the redrive, and when it is due again
                }
                redrives.put(id, e);
                admitRedrive(e);
            }
        } finally {
            lock.unlock();
        }
        wakeAll();
    }

    /** A redriven event joins its key's queue (and unparks the key); see {@link #arrange}. */
    private void admitRedrive(Entry e) {
        if (spec.ordering() != Ordering.KEY) {
            schedule(e);
            return;
        }
        if (parkedKeys.remove(e.key)) {
            states.unpark(topic.name(), name, e.key);
        }
        ArrayDeque<Entry> queue = keys.computeIfAbsent(e.key, k -> new ArrayDeque<>(2));
        queue.addLast(e);
        e.keyQueue = queue;
        arrange(e.key);
    }

    /**
     * Puts a key's queue in its order: the event being handled (if one is out), then the dead
     * letters redriven to the key, oldest redrive first, then the key's own events in publish
     * order. A redriven event is older than everything else waiting, so it goes first; the same
     * rule holds after a restart, when nothing is out. The head is made ready (or timed), and a
     * head that lost its place waits again.
     */
    private void arrange(String key) {
        ArrayDeque<Entry> queue = keys.get(key);
        if (queue == null || queue.isEmpty()) {
            return;
        }
        Entry oldHead = queue.peekFirst();
        List<Entry> out = new ArrayList<>();
        List<Entry> redriven = new ArrayList<>();
        List<Entry> own = new ArrayList<>();
        for (Entry x : queue) {
            if (isOut(x)) {
                out.add(x);
            } else if (x.isRedrive()) {
                redriven.add(x);
            } else {
                own.add(x);
            }
        }
        queue.clear();
        queue.addAll(out);
        queue.addAll(redriven);
        queue.addAll(own);
        Entry head = queue.peekFirst();
        if (oldHead != head && (oldHead.state == Entry.State.READY || oldHead.state == Entry.State.WAITING)) {
            oldHead.state = Entry.State.WAITING;
            oldHead.epoch++; // its place in the ready queue, or its timer, no longer counts
        }
        if (head.state == Entry.State.WAITING && !parkedKeys.contains(key)
                && (head != oldHead || !isScheduled(head))) {
            schedule(head);
        }
    }

    /** Whether a waiting entry already has a timer of its current epoch (or is in the ready queue). */
    private boolean isScheduled(Entry e) {
        if (e.state == Entry.State.READY) {
            return true;
        }
        for (Timer t : timers) {
            if (t.entry == e && t.epoch == e.epoch) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOut(Entry e) {
        return e.state == Entry.State.LEASED || e.state == Entry.State.DEAD_LETTERING;
    }

    /** A parked key's dead letter was purged: the key goes on. */
    public void unpark(String key) {
        lock.lock();
        try {
            if (parkedKeys.remove(key)) {
                states.unpark(topic.name(), name, key);
                ArrayDeque<Entry> queue = keys.get(key);
                if (queue != null && !queue.isEmpty() && queue.peekFirst().state == Entry.State.WAITING) {
                    schedule(queue.peekFirst());
                }
            }
        } finally {
            lock.unlock();
        }
        wakeAll();
    }

    // ---- state

    public SubscriptionInfo.Stats stats(long deadLettered) {
        lock.lock();
        try {
            long retrying = 0;
            for (PartitionWindow pw : partitions) {
                for (Entry e : pw.entries) {
                    if (e.state == Entry.State.WAITING && e.failures > 0) {
                        retrying++;
                    }
                }
            }
            for (Entry e : redrives.values()) {
                if (e.state == Entry.State.WAITING && e.failures > 0) {
                    retrying++;
                }
            }
            return new SubscriptionInfo.Stats(leased, retrying, deadLettered, redrives.size(), ackRate.perSecond());
        } finally {
            lock.unlock();
        }
    }

    /** Lease records held for expiry, live or ended (for a test that they stay bounded). */
    int leaseRecords() {
        lock.lock();
        try {
            return leases.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a dead letter is being written (it counts as done once it is). */
    boolean settling() {
        lock.lock();
        try {
            for (PartitionWindow pw : partitions) {
                for (Entry e : pw.entries) {
                    if (e.state == Entry.State.DEAD_LETTERING) {
                        return true;
                    }
                }
            }
            return redrives.values().stream().anyMatch(e -> e.state == Entry.State.DEAD_LETTERING);
        } finally {
            lock.unlock();
        }
    }

    public long cursor(int partition) {
        lock.lock();
        try {
            return partitions[partition].cursor;
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new io.herald.broker.BrokerClosedException("subscription '" + name + "' on topic '" + topic.name() + "'");
        }
    }

    private void wakeAll() {
        for (Wakeup w : waiting) {
            w.fire();
        }
    }

    /**
     * Stops handing out events; leases in flight are void (their events come again after a
     * restart). Events acknowledged out of order, which the cursor could not pass yet, are
     * recorded as settled, so that a clean restart does not deliver them again.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            commitCursors(true);
            for (PartitionWindow pw : partitions) {
                for (Entry e : pw.entries) {
                    if (e.state == Entry.State.DONE && e.failures == 0) {
                        states.settle(topic.name(), name, e.partition(), e.offset(), false);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        topic.partitions().forEach(p -> p.removeListener(onAppend));
        wakeAll();
    }

    private static final class PartitionWindow {
        final PartitionFetcher fetcher;
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        /**
         * The states recorded for events above the cursor when the dispatcher started, taken by
         * offset as the events come in: only this dispatcher records states of its events after
         * that, so the store need not be asked for every event.
         */
        final java.util.NavigableMap<Long, DeliveryStateStore.OffsetState> recorded;
        /**
         * The offsets above the cursor the last run committed as finished: skipped as they come
         * in, and committed again until the cursor passes them. Those finished in this run are the
         * done entries, read when the cursor is handed over ({@link #finishedText}), not kept
         * here: a per-ack set cost ack-only KEY a third of its throughput.
         */
        final OffsetRanges finished;
        /** The finished offsets changed since the last commit of the cursor. */
        boolean finishedChanged;
        long cursor;
        long committed;

        PartitionWindow(PartitionFetcher fetcher, long cursor, java.util.NavigableMap<Long, DeliveryStateStore.OffsetState> recorded,
                        OffsetRanges finished) {
            this.fetcher = fetcher;
            this.cursor = cursor;
            this.committed = cursor;
            this.recorded = recorded;
            this.finished = finished;
        }
    }

    private record Lease(long at, Entry entry, int epoch) {
    }

    private record Timer(long at, Entry entry, int epoch) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(at, o.at);
        }
    }
}
