package io.herald.embedded.dispatch;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.broker.spi.OffsetRanges;
import io.herald.delivery.Entry;
import io.herald.delivery.Window;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * Hands out the events of one subscription with ordering {@code KEY} or {@code NONE} to any
 * number of consumers, each delivery on a lease. What is handed out, and when, is the shared
 * delivery state machine's ({@link Window}, the same as on Kafka); this class keeps what is the
 * embedded broker's: the lock, reading the partitions and the cursors. What the window asks for is
 * written to the local stores by {@code StateWrites}; what they kept, {@code StoredState} gives back.
 *
 * <pre>
 *  partitions ─fill─▶ window ─take─▶ deliveries ─verdicts─▶ window
 *                       │ effects (StateWrites): retry records, settlements, parked keys ─▶ DeliveryStateStore
 *                       │                        dead letters (DeadLetterWrite)         ─▶ DeadLetterSink
 *                       └ commit offsets + offsets finished above them                   ─▶ CursorStore (every 20 ms)
 * </pre>
 *
 * A failed delivery (nack, exception) is retried after the policy's backoff, an expired lease at
 * once, the attempt kept in {@link DeliveryStateStore} so a restart keeps it; when the policy
 * gives up, or on a reject, the event goes to the dead-letter topic, and only then counts as
 * done. The cursor of a partition moves to its lowest offset not done, with the offsets done
 * above it, so a restart redelivers (never skips) what was in flight. Thread-safe: one lock
 * guards the window.
 */
public final class Dispatcher {

    /** Events held in memory at most, not counting those already done. */
    static final int WINDOW = 20_000;
    /** Events one poller reads and decodes at most before it admits them. */
    private static final int FETCH_BATCH = 2048;
    /**
     * The most text a cursor record gives the offsets finished above it: acks out of order beyond
     * it reach the disk only on a clean close (the rest are delivered again after a crash).
     */
    static final int FINISHED_MAX_CHARS = 3000;
    /**
     * Cursors go to the store at most this often (and always on leave and close): the store writes
     * them only every {@code EmbeddedBroker.CURSOR_FLUSH_MILLIS} anyway, and each hand-over encodes
     * the offsets finished above them, which per poll cost ack-only KEY five sixths of its throughput.
     */
    static final long CURSOR_HANDOVER_MILLIS = 20;
    private static final long MAX_WAIT_SLICE_NANOS = Duration.ofMillis(50).toNanos();

    private final Topic topic;
    private final String name;
    private final SubscriptionSpec spec;
    private final CursorStore cursors;
    private final DeliveryStateStore states;
    private final StoredState storedState;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Held while events are read and decoded from the partitions, and taken before {@link #lock}:
     * one poller reads (outside the window's lock, so that the others take and settle meanwhile)
     * and admits what it read in partition order; the others do not wait for it.
     */
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final Set<Wakeup> waiting = new CopyOnWriteArraySet<>();
    private final Runnable onAppend = this::wakeAll;
    private final Window window;
    private final PartitionFetcher[] fetchers;
    /** The cursor of each partition last handed to the store. */
    private final long[] handedOver;
    private final Map<String, Long> consumers = new HashMap<>();
    private final AckRate ackRate;
    private int rotation;
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
        this.storedState = new StoredState(topic.name(), name, spec.ordering(), cursors, states, deadLetters, clock, this::partitionOf);
        StateWrites writes = new StateWrites(this, topic, name, spec.deadLetterTopicFor(topic.name(), name), states, deadLetters, storedState);
        this.cursors = cursors;
        this.states = states;
        this.clock = clock;
        this.ackRate = new AckRate(clock);
        this.lastHandover = clock.millis() - CURSOR_HANDOVER_MILLIS;
        this.window = new Window(spec.ordering(), spec.keyAfterDeadLetter(), spec.retry(), spec.leaseDuration(),
                spec.filter().map(EventFilter::compile).orElse(null), random, writes);
        int n = topic.partitions().size();
        this.fetchers = new PartitionFetcher[n];
        this.handedOver = new long[n];
        for (Partition p : topic.partitions()) {
            int index = p.index();
            long cursor = cursors.cursor(topic.name(), name, index).orElse(p.offsetFor(spec.start()));
            fetchers[index] = new PartitionFetcher(p, cursor);
            handedOver[index] = cursor;
            storedState.restore(window, index, cursor);
            p.addListener(onAppend);
        }
        storedState.restoreParked(window);
        loadRedrives();
    }

    /** The partition of the window a key's events (and its redriven dead letters) are in. */
    private int partitionOf(String key) {
        return key == null ? 0 : KeyPartitioner.partition(key, fetchers.length);
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
            boolean counted = false;
            fetch();
            lock.lock();
            try {
                checkOpen();
                if (first) {
                    for (QueueDelivery d : acked) {
                        counted |= d.applyAck();
                    }
                    first = false;
                }
                long now = clock.millis();
                consumers.put(consumer, now);
                window.fireTimers(now);
                out = lease(Math.min(max, Math.max(1, window.readyCount() / Math.max(1, sharers))), now);
                commitCursors(false);
                nextTimerMillis = window.nextTimer() - now;
            } finally {
                lock.unlock();
            }
            if (counted) {
                wakeAll(); // keys whose next event may go now: more may be ready than this batch took
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

    private List<Delivery> lease(int max, long now) {
        List<Entry> taken = window.take(max, now);
        if (taken.isEmpty()) {
            return List.of();
        }
        List<Delivery> out = new ArrayList<>(taken.size());
        for (Entry e : taken) {
            out.add(new QueueDelivery(this, e, e.epoch(), e.attempt()));
        }
        return out;
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

    /**
     * Reads events from the partitions, in turn, up to a batch or until the window would be full
     * or they have no more, then admits them. Reading and decoding happen outside the window's
     * lock; a poller that finds another one reading goes on without. The window's count is read
     * without its lock: a stale count only makes a batch smaller or larger by what settled meanwhile.
     */
    private void fetch() {
        if (!fetchLock.tryLock()) {
            return;
        }
        try {
            int room = Math.min(FETCH_BATCH, WINDOW - window.unfinished());
            if (room <= 0) {
                return;
            }
            List<StoredEvent> read = new ArrayList<>(Math.min(room, 256));
            boolean progress = true;
            while (read.size() < room && progress) {
                progress = false;
                int start = rotation++;
                for (int i = 0; i < fetchers.length && read.size() < room; i++) {
                    StoredEvent stored = fetchers[Math.floorMod(start + i, fetchers.length)].next();
                    if (stored != null) {
                        read.add(stored);
                        progress = true;
                    }
                }
            }
            if (read.isEmpty()) {
                return;
            }
            lock.lock();
            try {
                long now = clock.millis();
                for (StoredEvent stored : read) {
                    window.admit(stored, now);
                }
            } finally {
                lock.unlock();
            }
        } finally {
            fetchLock.unlock();
        }
    }

    // ---- ending deliveries (called by QueueDelivery)

    void ack(Entry e, int epoch) {
        boolean counted;
        lock.lock();
        try {
            counted = ackLocked(e, epoch);
        } finally {
            lock.unlock();
        }
        if (counted) {
            wakeAll(); // its key's next event may go
        }
    }

    /** Acks of several deliveries under one lock, and one wake-up for them all. */
    void ackAll(List<QueueDelivery> acked) {
        if (acked.isEmpty()) {
            return;
        }
        boolean counted = false;
        lock.lock();
        try {
            for (QueueDelivery d : acked) {
                counted |= d.applyAck();
            }
        } finally {
            lock.unlock();
        }
        if (counted) {
            wakeAll();
        }
    }

    /**
     * An ack, with the lock held. True if it counted: the caller then wakes the pollers once the
     * lock is released (its key's next event may go), once for all the acks it applies together.
     */
    boolean ackLocked(Entry e, int epoch) {
        if (!closed && window.ack(e, epoch, clock.millis())) {
            ackRate.record();
            return true;
        }
        return false;
    }

    void nack(Entry e, int epoch, Duration delay, Throwable error) {
        verdict(() -> window.nack(e, epoch, delay, error, clock.millis()));
    }

    /** {@code reason} is never blank (AbstractDelivery gives the default). */
    void reject(Entry e, int epoch, String reason) {
        verdict(() -> window.reject(e, epoch, reason, clock.millis()));
    }

    void extend(Entry e, int epoch, Duration by) {
        verdict(() -> window.extend(e, epoch, by, clock.millis()));
    }

    private void verdict(java.util.function.BooleanSupplier change) {
        boolean changed;
        lock.lock();
        try {
            changed = !closed && change.getAsBoolean();
        } finally {
            lock.unlock();
        }
        if (changed) {
            wakeAll();
        }
    }

    long leaseDeadline(Entry e, int epoch) {
        lock.lock();
        try {
            return e.leaseDeadline();
        } finally {
            lock.unlock();
        }
    }

    // ---- cursors

    /**
     * Hands the cursors that moved, with the offsets finished above them, to the cursor store: at
     * a poll at most every {@link #CURSOR_HANDOVER_MILLIS} rather than once per ack, since the
     * store writes them to disk only every few milliseconds anyway. A cursor not yet handed on
     * when the process dies means redelivery, never loss.
     */
    private void commitCursors(boolean force) {
        long at = clock.millis();
        if (!force && at - lastHandover < CURSOR_HANDOVER_MILLIS) {
            return;
        }
        lastHandover = at;
        for (int p = 0; p < fetchers.length; p++) {
            if (!window.commitChanged(p)) {
                continue;
            }
            long cursor = window.commitOffset(p);
            OffsetRanges finished = window.finished(p);
            cursors.commit(topic.name(), name, p, cursor, finished.rangeCount() == 0 ? null : finished.encode(cursor, FINISHED_MAX_CHARS));
            if (cursor != handedOver[p]) {
                handedOver[p] = cursor;
                // the retry records below the cursor go only once the cursor is on disk: forgotten
                // first, a kill would bring those events back at attempt 1 from the older cursor
                int partition = p;
                cursors.flush().thenRun(() -> states.forgetBelow(topic.name(), name, partition, cursor));
            }
        }
    }

    // ---- redrive and purge

    /** Dead letters were redriven to this subscription: take them into the window. */
    public void loadRedrives() {
        lock.lock();
        try {
            storedState.loadRedrives(window);
        } finally {
            lock.unlock();
        }
        wakeAll();
    }

    /** A parked key's dead letter was purged: the key goes on. */
    public void unpark(String key) {
        lock.lock();
        try {
            window.unpark(partitionOf(key), key, clock.millis(), true);
        } finally {
            lock.unlock();
        }
        wakeAll();
    }

    // ---- state

    public SubscriptionInfo.Stats stats(long deadLettered) {
        lock.lock();
        try {
            return new SubscriptionInfo.Stats(window.leased(), window.retrying(), deadLettered, window.redriving(), ackRate.perSecond());
        } finally {
            lock.unlock();
        }
    }

    /** Lease records held for expiry, live or ended (for a test that they stay bounded). */
    int leaseRecords() {
        lock.lock();
        try {
            return window.leaseRecords();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a dead letter is being written (it counts as done once it is). */
    boolean settling() {
        lock.lock();
        try {
            return window.settling();
        } finally {
            lock.unlock();
        }
    }

    /** The partition's lowest offset not done: where its cursor goes at the next hand-over. */
    public long cursor(int partition) {
        lock.lock();
        try {
            return window.commitOffset(partition);
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BrokerClosedException("subscription '" + name + "' on topic '" + topic.name() + "'");
        }
    }

    private void wakeAll() {
        for (Wakeup w : waiting) {
            w.fire();
        }
    }

    /**
     * Stops handing out events; leases in flight are void (their events come again after a
     * restart). The cursors go to the store with the offsets finished above them; those the
     * cursor record has no room for are recorded as settled, so that a clean restart does not
     * deliver them again.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            commitCursors(true);
            for (int p = 0; p < fetchers.length; p++) {
                long cursor = window.commitOffset(p);
                OffsetRanges finished = window.finished(p);
                OffsetRanges kept = OffsetRanges.decode(cursor, finished.encode(cursor, FINISHED_MAX_CHARS));
                if (kept.rangeCount() == finished.rangeCount()) {
                    continue; // the cursor record holds them all
                }
                int partition = p;
                finished.forEachFrom(cursor, (first, last) -> {
                    for (long o = first; o <= last; o++) {
                        if (!kept.contains(o)) {
                            states.settle(topic.name(), name, partition, o, false);
                        }
                    }
                });
            }
        } finally {
            lock.unlock();
        }
        topic.partitions().forEach(p -> p.removeListener(onAppend));
        wakeAll();
    }

    // ---- writes completed (called by StateWrites)

    /** The retry record of {@code e} was written (or failed to be): its retry may be due. */
    void recorded(Entry e, int epoch) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            window.recorded(e, epoch, clock.millis());
        } finally {
            lock.unlock();
        }
        wakeAll();
    }

    /** The dead letter of {@code e} is on disk: the event is done. */
    void deadLettered(Entry e, int epoch) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            window.deadLettered(e, epoch, clock.millis());
        } finally {
            lock.unlock();
        }
        states.flush(); // a dead-lettering is on disk soon after the dead letter, so it is written once
        wakeAll();
    }

    /** Whether the dead letter of {@code e} is still to be written: while it is, a failed write is tried again. */
    boolean awaitsDeadLetter(Entry e, int epoch) {
        lock.lock();
        try {
            return !closed && Window.awaitsDeadLetter(e, epoch);
        } finally {
            lock.unlock();
        }
    }
}
