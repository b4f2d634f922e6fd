package io.herald.server.subscription;

import io.herald.broker.Delivery;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deliveries this server handed out over HTTP and not yet settled, by receipt. An entry
 * lives until its lease deadline (an extend moves it); a settled one stays a while as a
 * tombstone, so a verdict sent twice (its answer was lost) is answered the same way instead of
 * as unknown. {@link #sweep} forgets what is past; each entry's {@code onEnd} runs exactly once,
 * when it is settled or its lease runs out (an SSE stream gets its credit back then).
 *
 * <p>Thread-safe: the map is concurrent, each entry guards its own state.
 */
final class ReceiptBook {

    /** How long a settled receipt is remembered past its deadline. */
    private static final Duration TOMBSTONE = Duration.ofMinutes(1);

    private final long serverId = new SecureRandom().nextLong();
    private volatile URI self;
    private final byte[] key;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();

    /** {@code self} is where other servers reach this one; {@link #listening} sets it once the port is known. */
    ReceiptBook(URI self, byte[] key, Clock clock) {
        this.self = self;
        this.key = key.clone();
        this.clock = clock;
    }

    void listening(URI url) {
        this.self = url;
    }

    /** One handed-out delivery. */
    static final class Entry {
        final String receipt;
        final String topic;
        final String subscription;
        /**
         * Until the entry ends: then only the tombstone's verdict is needed, and the delivery (its
         * event) is let go — at 50,000 receipts a second the tombstones of the last minute and a
         * half held millions of events and filled the heap.
         */
        private Delivery delivery;
        private final Runnable onEnd;
        private Instant deadline;
        private Verdict settled;
        private boolean ended;

        Entry(String receipt, String topic, String subscription, Delivery delivery, Instant deadline, Runnable onEnd) {
            this.receipt = receipt;
            this.topic = topic;
            this.subscription = subscription;
            this.delivery = delivery;
            this.deadline = deadline;
            this.onEnd = onEnd;
        }

        synchronized Instant deadline() {
            return deadline;
        }

        synchronized Optional<Verdict> settled() {
            return Optional.ofNullable(settled);
        }

        /** Applies a verdict to a live delivery; the caller checked it is live. Returns the deadline after it. */
        Instant apply(Verdict verdict, Instant now) {
            boolean endsNow;
            synchronized (this) {
                // null once the entry ended (a verdict that raced this one, or the lease ran out): the
                // broker ignores a verdict or an extension of an ended delivery, so there is no call to make
                Delivery d = delivery;
                switch (verdict) {
                    case Verdict.Ack a -> {
                        if (d != null) {
                            d.ack();
                        }
                    }
                    case Verdict.Nack n -> {
                        if (d != null) {
                            n.delay().ifPresentOrElse(d::nack, d::nack);
                        }
                    }
                    case Verdict.Reject r -> {
                        if (d != null) {
                            d.reject(r.reason());
                        }
                    }
                    case Verdict.Extend e -> {
                        if (d != null) {
                            d.extend(e.by());
                        }
                        Instant base = deadline.isAfter(now) ? deadline : now;
                        deadline = base.plus(e.by());
                    }
                }
                endsNow = verdict.ends() && !ended;
                if (verdict.ends()) {
                    settled = verdict;
                    ended = true;
                    delivery = null;
                }
            }
            if (endsNow) {
                onEnd.run();
            }
            return deadline();
        }

        /** Ends an entry whose lease ran out; returns whether this call ended it. */
        private boolean expire() {
            synchronized (this) {
                if (ended) {
                    return false;
                }
                ended = true;
                delivery = null;
            }
            onEnd.run();
            return true;
        }
    }

    /** What a receipt names. */
    sealed interface Lookup {
        /** Not a receipt of this cluster: garbled, or signed with another secret. */
        record Invalid() implements Lookup {
        }

        /** Issued by this server; {@code live} unless its lease ran out. */
        record Local(Entry entry, boolean live) implements Lookup {
        }

        /** Issued by this server, and forgotten: settled long ago or expired. */
        record Unknown() implements Lookup {
        }

        /** Issued by an earlier run of this server (its leases ended with it). */
        record FromEarlierRun(URI issuer) implements Lookup {
        }

        /** Issued by another server of the cluster, which holds the lease. */
        record Foreign(URI issuer) implements Lookup {
        }
    }

    /** Hands out a receipt for a delivery held until {@code deadline}; {@code onEnd} runs once when it ends. */
    Entry issue(String topic, String subscription, Delivery delivery, Instant deadline, Runnable onEnd) {
        long n = sequence.incrementAndGet();
        String receipt = new Receipt(serverId, n, self).encode(key);
        Entry entry = new Entry(receipt, topic, subscription, delivery, deadline, onEnd);
        entries.put(n, entry);
        return entry;
    }

    Lookup lookup(String text) {
        Optional<Receipt> decoded = Receipt.decode(text, key);
        if (decoded.isEmpty()) {
            return new Lookup.Invalid();
        }
        Receipt r = decoded.get();
        if (r.serverId() != serverId) {
            return r.issuer().equals(self) ? new Lookup.FromEarlierRun(r.issuer()) : new Lookup.Foreign(r.issuer());
        }
        Entry entry = entries.get(r.sequence());
        if (entry == null) {
            return new Lookup.Unknown();
        }
        return new Lookup.Local(entry, entry.settled().isPresent() || entry.deadline().isAfter(clock.instant()));
    }

    /** Ends entries whose lease ran out and forgets those past their tombstone time; returns how many ended. */
    int sweep() {
        Instant now = clock.instant();
        int ended = 0;
        for (var it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            Instant deadline = e.deadline();
            if (!deadline.isAfter(now) && e.settled().isEmpty() && e.expire()) {
                ended++;
            }
            if (deadline.plus(TOMBSTONE).isBefore(now)) {
                it.remove();
            }
        }
        return ended;
    }

    /** Ends every entry (the server stops: the deliveries' leases run out in the broker). */
    void endAll() {
        entries.values().forEach(Entry::expire);
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
