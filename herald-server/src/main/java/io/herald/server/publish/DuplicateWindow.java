package io.herald.server.publish;

import io.herald.broker.Position;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The events this server stored in the last {@code window}, by topic, {@code source} and
 * {@code id} — the CloudEvents identity of an event — so that a publish retried after a lost
 * answer is recognised and answered with the first write's position instead of being stored
 * again. A publish claims its events first: a concurrent retry of the same event waits for the
 * first write's outcome; a failed write gives its claims back, so the next retry stores it.
 *
 * <p>Bounded: entries leave after the window, and the oldest leave early beyond
 * {@code maxEntries}. Thread-safe.
 */
public final class DuplicateWindow {

    public static final int DEFAULT_MAX_ENTRIES = 1_000_000;

    private final long windowNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, CompletableFuture<Optional<Position>>> entries = new ConcurrentHashMap<>();
    private final ArrayDeque<Stamp> expiry = new ArrayDeque<>();

    public DuplicateWindow(Duration window, int maxEntries, LongSupplier nanoClock) {
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
        record Fresh(CompletableFuture<Optional<Position>> pending) implements Claim {
        }

        /** {@code first} completes with the first write's position (empty for a delayed event). */
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
            return new Claim.Fresh(new CompletableFuture<>());
        }
        expire();
        CompletableFuture<Optional<Position>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<Position>> earlier = entries.putIfAbsent(key, mine);
        if (earlier != null) {
            return new Claim.Duplicate(earlier);
        }
        synchronized (expiry) {
            expiry.addLast(new Stamp(key, nanoClock.getAsLong(), mine));
        }
        return new Claim.Fresh(mine);
    }

    /** The write of a fresh claim succeeded: later retries are answered with this position. */
    public void stored(Claim.Fresh claim, Optional<Position> position) {
        claim.pending().complete(position);
    }

    /** The write failed: the claim is given back, so a retry stores the event. */
    public void failed(String topic, String source, String id, Claim.Fresh claim, Throwable error) {
        entries.remove(new Key(topic, source, id), claim.pending());
        claim.pending().completeExceptionally(error);
    }

    int size() {
        return entries.size();
    }

    private void expire() {
        long now = nanoClock.getAsLong();
        synchronized (expiry) {
            Stamp head;
            while ((head = expiry.peekFirst()) != null
                    && (now - head.nanos() > windowNanos || expiry.size() > maxEntries)) {
                expiry.removeFirst();
                entries.remove(head.key(), head.entry());
            }
        }
    }
}
