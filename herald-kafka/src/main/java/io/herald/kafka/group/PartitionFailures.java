package io.herald.kafka.group;

import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.delivery.DeadLetterIntent;
import io.herald.delivery.DeadLetterWrite;
import io.herald.delivery.FailureRecord;
import io.herald.kafka.failure.FailureLog;
import io.herald.kafka.state.StateRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure side of a {@link PartitionMember}'s deliveries: each event's failures so far, the
 * retry policy's decision, and its record in Kafka (a Retry fact, a dead letter). Verdicts come on
 * the thread that ends a delivery (a push handler's, a pull consumer's): the decision and its write
 * happen at once, not at the member's next poll; the rewind of the partition waits for the poll.
 * A Retry fact ends only once a durable commit passes its event ({@link #endRetriesBelow}).
 */
final class PartitionFailures {

    /** What the member says about itself: whether a verdict still counts, and whether it is closing. */
    interface Membership {
        /** The partition was revoked, or the member is presumed dead: the verdict changes nothing. */
        boolean fenced(PartitionLedger ledger);

        boolean presumedDead();

        boolean closing();
    }

    private static final Logger LOG = LoggerFactory.getLogger(PartitionFailures.class);

    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final FailureLog failureLog;
    private final Clock clock;
    private final Membership membership;
    /** Failures so far by offset; written by the threads that end deliveries too. */
    private final Map<TopicPartition, Map<Long, FailureRecord>> failures = new ConcurrentHashMap<>();
    /** Dead letters an earlier owner was writing when it stopped, by offset: looked for before they are written. */
    private final Map<TopicPartition, Map<Long, DeadLetterIntent>> intents = new ConcurrentHashMap<>();
    /** Offsets whose Retry fact is in the state topic: ended once the cursor passes them. */
    private final Map<TopicPartition, NavigableSet<Long>> recorded = new ConcurrentHashMap<>();
    /** Dead letters and retry schedules being written: close waits for them before its last commit. */
    private final Set<CompletableFuture<?>> writes = ConcurrentHashMap.newKeySet();

    PartitionFailures(String topic, String subscription, SubscriptionSpec spec, FailureLog failureLog, Clock clock,
                      Membership membership) {
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.failureLog = failureLog;
        this.clock = clock;
        this.membership = membership;
    }

    /** The attempt a delivery of the event at {@code offset} is now. */
    int attempt(TopicPartition tp, long offset) {
        Map<Long, FailureRecord> known = failures.get(tp);
        FailureRecord failed = known == null || known.isEmpty() ? null : known.get(offset);
        return failed == null ? 1 : failed.attempts() + 1;
    }

    /** A Retry fact read back when the partition was assigned. */
    void restored(TopicPartition tp, StateRecord.Retry retry) {
        failures.computeIfAbsent(tp, k -> new ConcurrentHashMap<>()).put(retry.offset(), retry.failures());
        recorded.computeIfAbsent(tp, k -> new ConcurrentSkipListSet<>()).add(retry.offset());
        if (retry.deadLettering() != null) {
            intents.computeIfAbsent(tp, k -> new ConcurrentHashMap<>()).put(retry.offset(), retry.deadLettering());
        }
    }

    /**
     * The event at {@code offset} comes to be handed out: if an earlier owner was writing its dead
     * letter, it is not delivered again but goes on being dead-lettered (true), the write only if
     * a look finds no dead letter of it. The ledger holds the partition until it is written.
     */
    boolean resumeDeadLetter(TopicPartition tp, PartitionLedger ledger, StoredEvent stored) {
        Map<Long, DeadLetterIntent> known = intents.get(tp);
        DeadLetterIntent intent = known == null || known.isEmpty() ? null : known.remove(stored.position().offset());
        if (intent == null) {
            return false;
        }
        long offset = stored.position().offset();
        Map<Long, FailureRecord> failed = failures.computeIfAbsent(tp, k -> new ConcurrentHashMap<>());
        if (ledger.reject(offset)) {
            deadLetter(tp, ledger, stored, failed.getOrDefault(offset, FailureRecord.NONE), intent.reason(), intent);
            failed.remove(offset);
        }
        return true;
    }

    /** The cursor passed these events (the commit may not be durable yet): their failures are history. */
    void passed(TopicPartition tp, long commit) {
        Map<Long, FailureRecord> f = failures.get(tp);
        if (f != null) {
            f.keySet().removeIf(offset -> offset < commit);
        }
    }

    /** The partition left this member. */
    void forget(TopicPartition tp) {
        failures.remove(tp);
        intents.remove(tp);
        recorded.remove(tp);
    }

    /** Waits up to {@code atMost} for the dead letters and retry schedules being written. */
    void awaitWrites(Duration atMost) {
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("subscription '{}' on '{}': dead letters or retry schedules still unwritten: {}", subscription, topic, e.toString());
        }
    }

    // ---- verdicts, on the threads that end deliveries

    void failed(StoredEvent stored, PartitionLedger ledger, Duration delay, Throwable error) {
        if (membership.fenced(ledger)) {
            return;
        }
        TopicPartition tp = new TopicPartition(topic, stored.position().partition());
        long offset = stored.position().offset();
        Instant now = clock.instant();
        Map<Long, FailureRecord> known = failures.computeIfAbsent(tp, k -> new ConcurrentHashMap<>());
        FailureRecord failed = known.getOrDefault(offset, FailureRecord.NONE)
                .next(error == null ? null : error.getClass().getName(), error == null ? null : String.valueOf(error.getMessage()), now);
        switch (spec.retry().decide(failed.attempts(), error, ThreadLocalRandom.current())) {
            case RetryPolicy.Outcome.Retry retry -> {
                Instant dueAt = now.plus(delay != null ? delay : retry.delay());
                if (!ledger.nack(offset, dueAt.toEpochMilli(), false)) {
                    return; // the verdict no longer counts: no failure to record
                }
                known.put(offset, failed);
                recorded.computeIfAbsent(tp, k -> new ConcurrentSkipListSet<>()).add(offset);
                writeRetry(StateRecord.Retry.of(tp.partition(), StateRecord.Source.TOPIC, offset, failed, dueAt));
            }
            case RetryPolicy.Outcome.DeadLetter dead -> {
                known.remove(offset);
                if (ledger.nack(offset, 0, true)) {
                    deadLetter(tp, ledger, stored, failed, dead.reason(), null);
                }
            }
        }
    }

    void redriveAcked(Redrives queue, Redrives.Item item) {
        if (queue.remove(item)) {
            endRedrive(queue, item);
        }
    }

    void redriveFailed(Redrives queue, Redrives.Item item, Duration delay, Throwable error) {
        if (!queue.contains(item) || membership.presumedDead()) {
            return;
        }
        Instant now = clock.instant();
        FailureRecord failed = item.failures
                .next(error == null ? null : error.getClass().getName(), error == null ? null : String.valueOf(error.getMessage()), now);
        switch (spec.retry().decide(failed.attempts(), error, ThreadLocalRandom.current())) {
            case RetryPolicy.Outcome.Retry retry -> {
                Instant dueAt = now.plus(delay != null ? delay : retry.delay());
                writeRetry(StateRecord.Retry.of(queue.partition(), StateRecord.Source.REDRIVE, item.stateOffset, failed, dueAt));
                queue.retry(item, failed, dueAt.toEpochMilli());
            }
            case RetryPolicy.Outcome.DeadLetter dead -> redriveDeadLetter(queue, item, failed, dead.reason(), null);
        }
    }

    void redriveRejected(Redrives queue, Redrives.Item item, String reason) {
        if (queue.contains(item) && !membership.presumedDead()) {
            redriveDeadLetter(queue, item, item.failures.next(null, reason, clock.instant()), reason, null);
        }
    }

    /**
     * A redriven event taken to be handed out whose dead letter an earlier owner was writing: it
     * goes on being dead-lettered instead of being delivered again (true).
     */
    boolean resumeDeadLetter(Redrives queue, Redrives.Item item) {
        DeadLetterIntent intent = item.resumed;
        if (intent == null) {
            return false;
        }
        item.resumed = null;
        redriveDeadLetter(queue, item, item.failures, intent.reason(), intent);
        return true;
    }

    private void redriveDeadLetter(Redrives queue, Redrives.Item item, FailureRecord failed, String reason, DeadLetterIntent resumed) {
        StateRecord.Retry fact = StateRecord.Retry.of(queue.partition(), StateRecord.Source.REDRIVE, item.stateOffset, failed,
                clock.instant());
        item.retryRecorded = true; // the intent is a Retry fact: it ends with the redrive
        // a redrive given up on (closing, or no longer queued) leaves its Redrive fact: it is delivered again
        track(DeadLetterWrite.exactlyOnce(failureLog.intent(fact, reason, item.originalPosition(), resumed), resumed != null,
                () -> failureLog.deadLetter(item.stored.event(), item.originalPosition(), failed, reason),
                () -> !membership.closing() && queue.contains(item),
                error -> LOG.warn("subscription '{}' on '{}': cannot write the dead letter of redriven {}; trying again in {}: {}",
                        subscription, topic, item.stored.position(), DeadLetterWrite.RETRY_DELAY, error.toString()))
                .thenAccept(written -> {
                    if (written && queue.remove(item)) {
                        endRedrive(queue, item);
                    }
                }));
    }

    private void endRedrive(Redrives queue, Redrives.Item item) {
        failureLog.end(queue.partition(), item.factKey);
        if (item.retryRecorded) {
            failureLog.end(queue.partition(), item.retryKey());
        }
    }

    void rejected(StoredEvent stored, PartitionLedger ledger, String reason) {
        if (membership.fenced(ledger)) {
            return;
        }
        TopicPartition tp = new TopicPartition(topic, stored.position().partition());
        long offset = stored.position().offset();
        Map<Long, FailureRecord> known = failures.computeIfAbsent(tp, k -> new ConcurrentHashMap<>());
        FailureRecord failed = known.getOrDefault(offset, FailureRecord.NONE).next(null, reason, clock.instant());
        if (ledger.reject(offset)) {
            known.remove(offset);
            deadLetter(tp, ledger, stored, failed, reason, null);
        }
    }

    /**
     * Writes the dead letter, once (its intent first, as a Retry fact that ends once a commit passes
     * the event; {@code resumed}: an earlier owner's intent, looked for first); the ledger lets the
     * cursor pass the event once Kafka has it. Given up on (closing, or the partition gone), the
     * event is not acked: it comes again to whoever owns it, who finds the intent.
     */
    void deadLetter(TopicPartition tp, PartitionLedger ledger, StoredEvent stored, FailureRecord failed, String reason,
                    DeadLetterIntent resumed) {
        long offset = stored.position().offset();
        StateRecord.Retry fact = StateRecord.Retry.of(tp.partition(), StateRecord.Source.TOPIC, offset, failed, clock.instant());
        recorded.computeIfAbsent(tp, k -> new ConcurrentSkipListSet<>()).add(offset);
        track(DeadLetterWrite.exactlyOnce(failureLog.intent(fact, reason, stored.position(), resumed), resumed != null,
                () -> failureLog.deadLetter(stored.event(), stored.position(), failed, reason),
                () -> !membership.closing() && !ledger.isDetached(),
                error -> LOG.warn("subscription '{}' on '{}': cannot write the dead letter of {}@{}; trying again in {}: {}", subscription,
                        topic, tp.partition(), offset, DeadLetterWrite.RETRY_DELAY, error.toString()))
                .thenAccept(written -> {
                    if (written) {
                        ledger.deadLettered(offset);
                    }
                }));
    }

    /** Writes a retry schedule; one Kafka refused is kept in memory only, and said so. */
    private void writeRetry(StateRecord.Retry fact) {
        track(failureLog.retry(fact).whenComplete((m, error) -> {
            if (error != null) {
                LOG.warn("subscription '{}' on '{}': the retry schedule of {} was not written ({}); it is kept in memory only",
                        subscription, topic, fact.key(), error.toString());
            }
        }));
    }

    private void track(CompletableFuture<?> write) {
        writes.add(write);
        write.whenComplete((m, error) -> writes.remove(write));
    }

    /** A durable commit passed these events: their retry schedules are over. */
    void endRetriesBelow(TopicPartition tp, long commit) {
        NavigableSet<Long> offsets = recorded.get(tp);
        if (offsets == null) {
            return;
        }
        var below = offsets.headSet(commit);
        for (long offset : below) {
            failureLog.end(tp.partition(), StateRecord.retryKey(StateRecord.Source.TOPIC, offset));
        }
        below.clear();
    }
}
