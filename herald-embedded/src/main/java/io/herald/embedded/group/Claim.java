package io.herald.embedded.group;

import io.herald.broker.Position;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.topic.Partition;
import io.herald.embedded.topic.PartitionFetcher;
import io.herald.event.EventFilter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A member's hold on one partition of its subscription, from acquisition to release: where it
 * reads, what is acknowledged, what it last committed, and a retry or dead-lettering in progress.
 *
 * <p>A failed delivery rewinds the claim to the failed offset and bumps its epoch at once, so
 * deliveries made after the failed one are recognised as stale and not handed to a push handler
 * out of order; the polling thread performs the rewind at its next read and waits out the
 * backoff. A failure the policy gives up on blocks the partition until its dead letter is
 * written, then counts as acknowledged. Events the filter does not match are acknowledged
 * without a delivery. Dead letters redriven to the subscription are delivered before the
 * partition's next event.
 *
 * <p>Threading: the member's polling thread reads; acks, failures and rejects may come from any
 * thread.
 */
final class Claim {

    private static final long DEAD_LETTER_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SubscriptionGroup group;
    private final PartitionFetcher fetcher;
    private final AckTracker acks;
    private final ArrayDeque<Redriven> redrives = new ArrayDeque<>();
    /** Recorded failure histories of this partition's events above the cursor, by offset. */
    private final NavigableMap<Long, DeliveryStateStore.OffsetState> failures;
    private final Map<String, Integer> redriveFailures = new HashMap<>();
    private volatile int epoch;
    private volatile boolean released;
    private long committed;
    private long pausedUntilNanos;
    private long rewindTo = Long.MAX_VALUE;
    private long rewindDelayNanos;
    private volatile boolean rewindRequested;
    /** A redriven dead letter is out: the partition waits for its outcome. */
    private boolean redriveOut;
    /** One past the last event handed out: what is between the watermark and this is out with a consumer. */
    private volatile long deliveredUpTo;
    /** Whether a rewind ever happened: only then can a fetched event be acknowledged already. */
    private volatile boolean rewound;

    Claim(SubscriptionGroup group, Partition partition, long cursor, NavigableMap<Long, DeliveryStateStore.OffsetState> failures) {
        this.group = group;
        this.fetcher = new PartitionFetcher(partition, cursor);
        this.acks = new AckTracker(cursor);
        this.committed = cursor;
        this.failures = new TreeMap<>(failures);
        this.rewound = !failures.isEmpty();
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

    /** The next thing to deliver (a redriven dead letter first), or null if none now. */
    synchronized Next next(long nowNanos) {
        if (rewindRequested) {
            applyRewind(nowNanos);
        }
        if (pausedUntilNanos != 0) {
            if (nowNanos - pausedUntilNanos < 0) {
                return null;
            }
            pausedUntilNanos = 0;
        }
        Redriven redriven = redrives.peekFirst();
        if (redriven != null) {
            if (redriveOut) {
                return null;
            }
            redriveOut = true;
            DeliveryStateStore.OffsetState before = redriven.redrive().state();
            if (before != null && before.deadLetterReason() != null) {
                // its dead letter was being written when the last process stopped: go on with it
                deadLetter(new Next(redriven.stored, before.attempts(), redriven), before, before.deadLetterReason(),
                        before.deadLetterEnds());
                return null;
            }
            return new Next(redriven.stored, redriveFailures.getOrDefault(redriven.id(), 0) + 1, redriven);
        }
        EventFilter filter = group.filter();
        while (true) {
            StoredEvent event = fetcher.next();
            if (event == null) {
                return null;
            }
            long offset = event.position().offset();
            if (rewound && acks.isAcked(offset)) {
                continue;
            }
            DeliveryStateStore.OffsetState failed = failures.get(offset);
            if (failed != null && failed.settled()) {
                acks.ack(offset);
                continue;
            }
            if (filter != null && !filter.matches(event.event())) {
                acks.ack(offset); // not for this subscription: done without a delivery
                continue;
            }
            if (failed != null && failed.deadLetterReason() != null) {
                // its dead letter was being written (and may be written): never delivered again
                deliveredUpTo = Math.max(deliveredUpTo, offset + 1);
                deadLetter(new Next(event, failed.attempts(), null), failed, failed.deadLetterReason(), failed.deadLetterEnds());
                return null;
            }
            if (failed != null && failed.dueAt() > group.failures().now()) {
                // a retry that is not due yet (after a restart or a rebalance): wait for it
                fetcher.seek(offset);
                pausedUntilNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(failed.dueAt() - group.failures().now());
                return null;
            }
            deliveredUpTo = Math.max(deliveredUpTo, offset + 1);
            return new Next(event, failed == null ? 1 : failed.attempts() + 1, null);
        }
    }

    void ack(long offset) {
        acks.ack(offset);
    }

    void acked(Next next) {
        group.acked();
        if (next.redrive() != null) {
            removeRedrive(next.redrive());
            return;
        }
        long offset = next.stored().position().offset();
        boolean hadFailed;
        synchronized (this) {
            hadFailed = failures.remove(offset) != null;
        }
        if (hadFailed) {
            group.failures().succeeded(group.topic().name(), group.name(), next.stored().position());
        }
        acks.ack(offset);
    }

    /** A delivery failed: the policy decides between a retry and a dead letter. */
    void failed(Next next, Throwable error, Duration explicitDelay) {
        RetryPolicy policy = group.spec().retry();
        String message = error == null ? null : String.valueOf(error.getMessage());
        if (next.redrive() != null) {
            int failuresSoFar;
            synchronized (this) {
                failuresSoFar = redriveFailures.merge(next.redrive().id(), 1, Integer::sum);
            }
            long now = group.failures().now();
            group.failures().states().addRedrive(group.topic().name(), group.name(), next.redrive().redrive().withState(
                    new DeliveryStateStore.OffsetState(failuresSoFar, now, now, now, error == null ? null : error.getClass().getName(),
                            message, false, false)));
            RetryPolicy.Outcome outcome = policy.decide(failuresSoFar, error, group.failures().random());
            if (outcome instanceof RetryPolicy.Outcome.Retry retry) {
                synchronized (this) {
                    redriveOut = false;
                }
                requestPause((explicitDelay != null ? explicitDelay : retry.delay()).toNanos());
            } else {
                DeliveryStateStore.OffsetState state = new DeliveryStateStore.OffsetState(failuresSoFar, 0,
                        group.failures().now(), group.failures().now(), error == null ? null : error.getClass().getName(),
                        message, false, false);
                deadLetter(next, state, ((RetryPolicy.Outcome.DeadLetter) outcome).reason(), null);
            }
            return;
        }
        FailureHandling.Decision decision = group.failures().failed(group.topic().name(), group.name(), policy,
                next.stored().position(), error, message, explicitDelay);
        synchronized (this) {
            failures.put(next.stored().position().offset(), decision.state());
        }
        if (decision.outcome() instanceof RetryPolicy.Outcome.Retry) {
            long delayMillis = Math.max(0, decision.state().dueAt() - group.failures().now());
            requestRewind(next.stored().position().offset(), TimeUnit.MILLISECONDS.toNanos(delayMillis));
        } else {
            deadLetter(next, decision.state(), ((RetryPolicy.Outcome.DeadLetter) decision.outcome()).reason(), null);
        }
    }

    /** {@code reason} is never blank (AbstractDelivery gives the default). */
    void rejected(Next next, String reason) {
        DeliveryStateStore.OffsetState state;
        if (next.redrive() != null) {
            state = new DeliveryStateStore.OffsetState(1, 0, group.failures().now(), group.failures().now(), null, reason, false, false);
        } else {
            state = group.failures().rejected(group.topic().name(), group.name(), next.stored().position(), reason);
        }
        deadLetter(next, state, reason, null);
    }

    /**
     * Holds the partition until the dead letter is written; then the event counts as done.
     * {@code resumedEnds}: the ends of an intent an earlier process recorded, or null.
     */
    private void deadLetter(Next next, DeliveryStateStore.OffsetState state, String reason, Map<Integer, Long> resumedEnds) {
        if (next.redrive() != null) {
            requestPause(Long.MAX_VALUE / 4);
        } else {
            requestRewind(next.stored().position().offset(), Long.MAX_VALUE / 4);
        }
        Position original = next.redrive() != null
                ? DeadLetterFormat.read(next.stored()).map(io.herald.broker.DeadLetter::originalPosition).orElse(next.stored().position())
                : next.stored().position();
        group.failures().deadLetter(group.intents(), group.deadLetterTopic(), group.topic(), group.name(), next.stored(), original,
                state, reason, next.redrive() == null ? null : next.redrive().redrive(), resumedEnds).whenComplete((written, failure) -> {
                    if (failure == null && written) {
                        if (next.redrive() != null) {
                            removeRedrive(next.redrive());
                        } else {
                            synchronized (this) {
                                failures.put(next.stored().position().offset(), state.settledAs(true));
                            }
                            acks.ack(next.stored().position().offset());
                        }
                        unpause(0);
                        group.wakeMembers(); // the holder may be waiting for this partition to go on
                    } else {
                        synchronized (this) {
                            redriveOut = false;
                            if (next.redrive() == null) {
                                // the intent, if it was recorded, makes the next read go on with the dead letter
                                group.failures().recorded(group.topic().name(), group.name(), next.stored().position())
                                        .ifPresent(recorded -> failures.put(next.stored().position().offset(), recorded));
                            }
                        }
                        unpause(DEAD_LETTER_RETRY_NANOS); // then dead-lettered (or, without an intent, delivered) again
                    }
                });
    }

    /** Dead letters redriven to this partition, to deliver before the partition's next event. */
    synchronized void redrive(Redriven redriven) {
        if (redrives.stream().noneMatch(r -> r.id().equals(redriven.id()))) {
            redrives.addLast(redriven);
            if (redriven.redrive().state() != null) {
                redriveFailures.put(redriven.id(), redriven.redrive().state().attempts());
            }
            epoch++;
        }
    }

    private void removeRedrive(Redriven redriven) {
        synchronized (this) {
            redrives.removeIf(r -> r.id().equals(redriven.id()));
            redriveFailures.remove(redriven.id());
            redriveOut = false;
            epoch++;
        }
        group.failures().states().removeRedrive(group.topic().name(), group.name(), redriven.redrive().deadLetterTopic(),
                redriven.redrive().partition(), redriven.redrive().offset());
    }

    /** Asks to deliver {@code offset} (and what follows it) again, no sooner than {@code delayNanos} from now. */
    private synchronized void requestRewind(long offset, long delayNanos) {
        if (offset <= rewindTo) {
            rewindTo = offset;
            rewindDelayNanos = delayNanos;
        }
        rewound = true;
        epoch++;
        rewindRequested = true;
    }

    private synchronized void requestPause(long delayNanos) {
        rewindDelayNanos = delayNanos;
        epoch++;
        rewindRequested = true;
    }

    private synchronized void unpause(long delayNanos) {
        rewindDelayNanos = delayNanos;
        rewindRequested = true;
        if (rewindTo == Long.MAX_VALUE) {
            pausedUntilNanos = 0;
        }
    }

    private void applyRewind(long nowNanos) {
        rewindRequested = false;
        if (rewindTo != Long.MAX_VALUE) {
            fetcher.seek(rewindTo);
            rewindTo = Long.MAX_VALUE;
        }
        pausedUntilNanos = rewindDelayNanos > 0 ? nowNanos + rewindDelayNanos : 0;
        rewindDelayNanos = 0;
    }

    /** Every offset below this is acknowledged: what the cursor may move to. */
    long commitPoint() {
        return acks.watermark();
    }

    long lastCommitted() {
        return committed;
    }

    synchronized void committed(long offset) {
        committed = offset;
        failures.headMap(offset, false).clear();
    }

    /** Events handed out and not yet acknowledged (or failed). */
    long outstanding() {
        return Math.max(0, deliveredUpTo - acks.watermark());
    }

    /** Failed events of this claim waiting for their next attempt. */
    synchronized long retrying() {
        return failures.values().stream().filter(s -> !s.settled()).count();
    }

    /** What {@link #next} hands out: an event of the partition, or a redriven dead letter. */
    record Next(StoredEvent stored, int attempt, Redriven redrive) {
    }

    /** A dead letter redriven to the subscription, read back from its dead-letter topic. */
    record Redriven(DeliveryStateStore.Redrive redrive, StoredEvent stored) {
        String id() {
            return redrive.deadLetterTopic() + "/" + redrive.partition() + "@" + redrive.offset();
        }
    }
}
