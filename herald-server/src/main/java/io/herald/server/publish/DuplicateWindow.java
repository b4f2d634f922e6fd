package io.herald.server.publish;

import io.herald.broker.Position;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The events this server stored in the last {@code window}, by topic, {@code source} and
 * {@code id} — the CloudEvents identity of an event — so that a publish retried after a lost
 * answer is recognised and answered with the first write's position instead of being stored
 * again. A publish claims its events first: a concurrent retry of the same event waits for the
 * first write's outcome; a failed write gives its claims back, so the next retry stores it.
 *
 * <p>Bounded: an entry leaves {@code window} after its claim, and the oldest leave early so that
 * at most {@code maxEntries} are held. A claim given back leaves its place in the expiry queue
 * behind until it would have expired; the queue is held to twice {@code maxEntries} even so.
 * A window of zero remembers nothing. Thread-safe: one lock guards the entries and the queue, held
 * for a few map operations per claim.
 */
public final class DuplicateWindow {

    public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

    private final long windowNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private final Map<Key, CompletableFuture<Optional<Position>>> entries = new HashMap<>();
    private final ArrayDeque<Stamp> expiry = new ArrayDeque<>();

    public DuplicateWindow(Duration window, int maxEntries, LongSupplier nanoClock) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("the duplicate window must not be negative, got " + window);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("max entries must be at least 1, got " + maxEntries);
        }
        this.windowNanos = window.toNanos();
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    record Key(String topic, String source, String id) {
        Key {
            Objects.requireNonNull(topic);
            Objects.requireNonNull(source);
            Objects.requireNonNull(id);
        }
    }

    private record Stamp(Key key, long nanos, CompletableFuture<Optional<Position>> entry) {
    }

    /** The outcome of a claim: a new event (its write is pending on {@code claim}), or a duplicate of an earlier write. */
    public sealed interface Claim {

        /** This publish writes the event; it reports the outcome with {@link #stored} or {@link #failed}. */
        final class Fresh implements Claim {
            private final Key key;
            private final CompletableFuture<Optional<Position>> pending;

            private Fresh(Key key, CompletableFuture<Optional<Position>> pending) {
                this.key = key;
                this.pending = pending;
            }

            /** Completes with the write's position (empty for a delayed event), or fails as the write did. */
            public CompletableFuture<Optional<Position>> pending() {
                return pending;
            }
        }

        /** {@code first} completes with the first write's position (empty for a delayed event), or fails as it did. */
        record Duplicate(CompletableFuture<Optional<Position>> first) implements Claim {
        }
    }

    public boolean enabled() {
        return windowNanos > 0;
    }

    /** Claims the event for this publish, or finds the earlier write of it. */
    public Claim claim(String topic, String source, String id) {
        Key key = new Key(topic, source, id);
        if (!enabled()) {
            return new Claim.Fresh(key, new CompletableFuture<>());
        }
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            evict(now);
            CompletableFuture<Optional<Position>> earlier = entries.get(key);
            if (earlier != null) {
                return new Claim.Duplicate(earlier);
            }
            CompletableFuture<Optional<Position>> mine = new CompletableFuture<>();
            entries.put(key, mine);
            expiry.addLast(new Stamp(key, now, mine));
            return new Claim.Fresh(key, mine);
        }
    }

    /** The write of a fresh claim succeeded: later retries are answered with this position. */
    public void stored(Claim.Fresh claim, Optional<Position> position) {
        claim.pending.complete(position);
    }

    /** The write failed: the claim is given back, so a retry stores the event; a waiting duplicate fails as it did. */
    public void failed(Claim.Fresh claim, Throwable error) {
        synchronized (lock) {
            entries.remove(claim.key, claim.pending);
        }
        claim.pending.completeExceptionally(error);
    }

    /**
     * An event a topic already holds, found by reading it back (after a restart): a later publish
     * of it is a duplicate of {@code position}. {@code ageNanos} is how long ago it was stored; it
     * leaves the window when the window after that has passed. Events must come oldest first.
     */
    public void remember(String topic, String source, String id, Position position, long ageNanos) {
        if (!enabled() || ageNanos >= windowNanos) {
            return;
        }
        Key key = new Key(topic, source, id);
        synchronized (lock) {
            long stamp = nanoClock.getAsLong() - ageNanos;
            evict(nanoClock.getAsLong());
            if (entries.containsKey(key)) {
                return;
            }
            CompletableFuture<Optional<Position>> stored = CompletableFuture.completedFuture(Optional.of(position));
            entries.put(key, stored);
            expiry.addLast(new Stamp(key, stamp, stored));
        }
    }

    /** Forgets every event of a deleted topic: a topic made again under its name starts afresh. */
    public void forgetTopic(String topic) {
        synchronized (lock) {
            entries.keySet().removeIf(k -> k.topic().equals(topic));
        }
    }

    /** The window's length. */
    Duration window() {
        return Duration.ofNanos(windowNanos);
    }

    /** The events held now. */
    int size() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /** Drops what expired, and the oldest until a claim finds room. Holds the lock. */
    private void evict(long now) {
        Stamp head;
        while ((head = expiry.peekFirst()) != null
                && (now - head.nanos() > windowNanos || entries.size() >= maxEntries || expiry.size() >= 2L * maxEntries)) {
            expiry.removeFirst();
            entries.remove(head.key(), head.entry());
        }
    }
}
