package io.herald.embedded.group;

import io.herald.broker.StoredEvent;
import io.herald.embedded.topic.Partition;
import io.herald.embedded.topic.PartitionFetcher;
import java.util.HashMap;
import java.util.Map;

/**
 * A member's hold on one partition of its subscription, from acquisition to release: where it
 * reads, what is acknowledged, what it last committed, and a retry in progress.
 *
 * <p>A nack asks for a rewind to the failed offset and bumps the claim's epoch at once, so
 * deliveries made after the failed one are recognised as stale and not handed to a push handler
 * out of order; the polling thread performs the rewind at its next read.
 *
 * <p>Threading: the member's polling thread reads; {@link #ack} and {@link #requestRewind} may
 * come from any thread.
 */
final class Claim {

    private final PartitionFetcher fetcher;
    private final AckTracker acks;
    private final Map<Long, Integer> attempts = new HashMap<>();
    private volatile int epoch;
    private volatile boolean released;
    private long committed;
    private long pausedUntilNanos;
    private long rewindTo = Long.MAX_VALUE;
    private long rewindDelayNanos;
    /** A rewind is waiting for the polling thread; and whether any rewind ever happened (only then can a fetched event be acked already). */
    private volatile boolean rewindRequested;
    private volatile boolean rewound;

    Claim(Partition partition, long cursor) {
        this.fetcher = new PartitionFetcher(partition, cursor);
        this.acks = new AckTracker(cursor);
        this.committed = cursor;
    }

    Partition partition() {
        return fetcher.partition();
    }

    int index() {
        return fetcher.partition().index();
    }

    int epoch() {
        return epoch;
    }

    boolean released() {
        return released;
    }

    void release() {
        released = true;
    }

    /** The next event to deliver, skipping those already acked (after a rewind); null if none now. */
    StoredEvent next(long nowNanos) {
        if (rewindRequested) {
            applyRewind(nowNanos);
        }
        if (pausedUntilNanos != 0) {
            if (nowNanos - pausedUntilNanos < 0) {
                return null;
            }
            pausedUntilNanos = 0;
        }
        StoredEvent event;
        do {
            event = fetcher.next();
        } while (event != null && rewound && acks.isAcked(event.position().offset()));
        return event;
    }

    int attemptOf(long offset) {
        if (!rewound) {
            return 1;
        }
        synchronized (this) {
            return attempts.getOrDefault(offset, 0) + 1;
        }
    }

    void ack(long offset) {
        acks.ack(offset);
    }

    /** Asks to deliver {@code offset} (and what follows it) again, no sooner than {@code delayNanos} from now. */
    synchronized void requestRewind(long offset, long delayNanos) {
        attempts.merge(offset, 1, Integer::sum);
        if (offset <= rewindTo) {
            rewindTo = offset;
            rewindDelayNanos = delayNanos;
        }
        rewound = true;
        epoch++;
        rewindRequested = true;
    }

    private synchronized void applyRewind(long nowNanos) {
        rewindRequested = false;
        if (rewindTo != Long.MAX_VALUE) {
            fetcher.seek(rewindTo);
            pausedUntilNanos = rewindDelayNanos > 0 ? nowNanos + rewindDelayNanos : 0;
            rewindTo = Long.MAX_VALUE;
        }
    }

    /** Every offset below this is acknowledged: what the cursor may move to. */
    long commitPoint() {
        return acks.watermark();
    }

    long lastCommitted() {
        return committed;
    }

    void committed(long offset) {
        committed = offset;
    }
}
