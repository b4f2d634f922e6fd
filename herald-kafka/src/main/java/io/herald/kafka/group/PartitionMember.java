package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.error.InvalidSpecException;
import io.herald.event.EventFilter;
import io.herald.delivery.DeadLetterWrite;
import io.herald.kafka.failure.FailureLog;
import io.herald.delivery.FailureRecord;
import io.herald.kafka.read.RecordEvents;
import io.herald.kafka.state.StateFollower;
import io.herald.kafka.state.StateRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a {@code PARTITION} subscription: a Kafka consumer in the subscription's group
 * (classic protocol, so that the spec's session timeout is the member's own; eager range
 * assignment). The cursor is the group's committed offsets, and only acked prefixes are
 * committed: in each poll (asynchronously), when partitions are revoked and on close (synchronously).
 *
 * <p>A member that does not poll within the session timeout is presumed dead: both
 * {@code session.timeout.ms} and {@code max.poll.interval.ms} are the spec's session timeout, so
 * a live process whose poll loop stopped loses its partitions too, as the API says.
 *
 * <p>A nack rewinds its partition to the nacked offset ({@code seek}) and pauses it for the
 * backoff; the event comes again with the next attempt number. The schedule (attempts, due time,
 * failures) is a {@code Retry} fact in the subscription's state topic, read back when a member
 * takes the partition (over): a restart or a rebalance neither resets the attempt count nor
 * hands the event out before it is due. When the retry policy gives up, or on a reject, the event
 * is written to the dead-letter topic and counts as acked once Kafka has the dead letter; the
 * partition goes on behind it at once. Events the subscription's filter does not match are acked
 * without a delivery. Dead letters redriven to the subscription ({@link Redrives}, from the state
 * partition, which the member follows while it owns the partition) go one at a time before the
 * partition's next event.
 *
 * <p>Threading: every method but the deliveries' ends is called by one thread at a time.
 */
final class PartitionMember {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionMember.class);
    private static final int BUFFER_LIMIT = 2000;

    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffer = new LinkedHashMap<>();
    /** Failures so far by offset; written by the threads that end deliveries too. */
    private final Map<TopicPartition, Map<Long, FailureRecord>> failures = new ConcurrentHashMap<>();
    /** Offsets whose Retry fact is in the state topic: ended once the cursor passes them. */
    private final Map<TopicPartition, java.util.NavigableSet<Long>> recorded = new ConcurrentHashMap<>();
    private final Verdicts verdicts = new Verdicts();
    /** Dead letters redriven to each partition, delivered before its next event. */
    private final Map<TopicPartition, Redrives> redrives = new ConcurrentHashMap<>();
    private final FailureLog failureLog;
    private final StateFollower follower;
    private final EventFilter filter;
    /** Dead letters and retry schedules being written: close waits for them before its last commit. */
    private final Set<CompletableFuture<?>> writes = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private volatile Set<Integer> assignment = Set.of();
    private volatile boolean rebalanceExpected;
    private final String metadata;
    /**
     * When this member last polled. The poll interval is the session timeout: past it, Kafka's
     * heartbeat thread leaves the group and the partitions go to another member, which this one
     * learns only at its next poll. Until then its ledgers look attached, so a verdict checks this.
     */
    private volatile long lastPollNanos = System.nanoTime();
    private final long sessionNanos;
    /** The time every decision of the member is made at; waits use the monotonic clock. */
    private final Clock clock;
    private int buffered;

    PartitionMember(Map<String, Object> clientBase, String topic, String subscription, SubscriptionSpec spec, FailureLog failureLog,
                    StateFollower follower, Clock clock) {
        this.clock = clock;
        this.failureLog = failureLog;
        this.follower = follower;
        this.filter = spec.filter().map(EventFilter::compile).orElse(null);
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.metadata = CommitMetadata.of(spec);
        long session = spec.sessionTimeout().toMillis();
        this.sessionNanos = spec.sessionTimeout().toNanos();
        Map<String, Object> p = MemberSettings.of(clientBase, topic, subscription, spec);
        p.put("max.poll.interval.ms", Long.toString(session));
        p.putIfAbsent("max.poll.records", "500");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic), new Rebalance());
    }

    Set<Integer> assignment() {
        return assignment;
    }

    /** Rejoin at the next poll: a member of the same group in this process joined or left. */
    void expectRebalance() {
        rebalanceExpected = true;
    }

    List<Delivery> poll(int max, Duration wait) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        if (rebalanceExpected) {
            rebalanceExpected = false;
            consumer.enforceRebalance("a member of the same subscription joined or left in this process");
        }
        while (true) {
            settle(false);
            resumeDue();
            followRedrives();
            long left = deadline - System.nanoTime();
            // a poll is the member's sign of life even when the buffer could answer alone
            fetch(deliverable() ? Duration.ZERO : Duration.ofNanos(Math.max(0, Math.min(left, Duration.ofMillis(100).toNanos()))));
            List<Delivery> out = take(max);
            if (!out.isEmpty() || left <= 0) {
                return out;
            }
        }
    }

    /** Writes what failed, commits what is acked (and dead-lettered), then leaves the group. */
    void close() {
        try {
            settle(false);
            awaitWrites(Duration.ofSeconds(10));
            settle(true);
        } catch (KafkaException e) {
            LOG.warn("subscription '{}' on '{}' could not commit on close: {}", subscription, topic, e.getMessage());
        }
        closing = true;
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        follower.close();
    }

    private void awaitWrites(Duration atMost) {
        try {
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("subscription '{}' on '{}': dead letters or retry schedules still unwritten at close: {}", subscription, topic,
                    e.toString());
        }
    }

    void wakeup() {
        consumer.wakeup();
    }

    private void fetch(Duration wait) {
        Collection<TopicPartition> stopped = List.of();
        if (buffered >= BUFFER_LIMIT) {
            stopped = new ArrayList<>(consumer.assignment());
            stopped.removeAll(consumer.paused());
            consumer.pause(stopped);
        }
        ConsumerRecords<byte[], byte[]> fetched = consumer.poll(wait);
        lastPollNanos = System.nanoTime();
        for (TopicPartition tp : fetched.partitions()) { // per partition, not per record: no key and lookups for each
            if (ledgers.containsKey(tp)) {
                List<ConsumerRecord<byte[], byte[]>> records = fetched.records(tp);
                buffer.computeIfAbsent(tp, k -> new ArrayDeque<>(records.size())).addAll(records);
                buffered += records.size();
            }
        }
        if (!stopped.isEmpty()) {
            stopped.retainAll(consumer.assignment());
            consumer.resume(stopped);
        }
    }

    /** Whether something can be handed out now: a redriven event, or a fetched one not waiting behind one. */
    private boolean deliverable() {
        long now = clock.millis();
        for (Redrives r : redrives.values()) {
            if (r.ready(now)) {
                return true;
            }
        }
        for (var e : buffer.entrySet()) {
            Redrives r = redrives.get(e.getKey());
            if (!e.getValue().isEmpty() && (r == null || !r.blocking())) {
                return true;
            }
        }
        return false;
    }

    /** New Redrive facts of the partitions this member owns (written by the dead-letter queue of any process). */
    private void followRedrives() {
        if (redrives.isEmpty()) {
            return;
        }
        for (StateFollower.Tailed t : follower.tail()) {
            Redrives r = redrives.get(new TopicPartition(topic, t.partition()));
            if (r != null && t.read().fact().orElse(null) instanceof StateRecord.Redrive d) {
                r.add(t.read().key(), t.read().offset(), new StoredEvent(topic, d.deadLetter(), clock.instant(), d.event()), d.original(), null);
            }
        }
    }

    private List<Delivery> take(int max) {
        List<Delivery> out = new ArrayList<>(Math.min(max, buffered + 1));
        Instant lease = clock.instant().plus(spec.sessionTimeout());
        long now = clock.millis();
        for (Redrives r : redrives.values()) {
            Redrives.Item item = out.size() < max ? r.take(now) : null;
            if (item != null) {
                out.add(new RedriveDelivery(topic, subscription, r, item, lease, verdicts));
            }
        }
        for (var it = buffer.entrySet().iterator(); it.hasNext() && out.size() < max; ) {
            var e = it.next();
            TopicPartition tp = e.getKey();
            Redrives waiting = redrives.get(tp);
            if (waiting != null && waiting.blocking()) {
                continue; // a redriven dead letter goes before the partition's next event
            }
            PartitionLedger ledger = ledgers.get(tp);
            ArrayDeque<ConsumerRecord<byte[], byte[]>> records = e.getValue();
            while (out.size() < max && !records.isEmpty()) {
                ConsumerRecord<byte[], byte[]> r = records.poll();
                buffered--;
                ledger.delivered(r.offset());
                StoredEvent stored;
                try {
                    stored = RecordEvents.stored(r);
                } catch (io.herald.event.MalformedEventException malformed) {
                    // written by a plain Kafka producer: nothing to deliver (thrown on, it ended a push subscriber's loop
                    // for good); dead-lettered as it is, as the KEY/NONE engine does, and the partition goes on
                    LOG.error("subscription '{}' on '{}' dead-letters a record that is no CloudEvent at {}: {}", subscription, topic,
                            r.offset(), malformed.getMessage());
                    Instant at = clock.instant();
                    FailureRecord undecodable = new FailureRecord(1, at, at, malformed.getClass().getName(), malformed.getMessage());
                    if (ledger.reject(r.offset())) {
                        deadLetter(tp, ledger, RecordEvents.undecodable(r), undecodable, "not a CloudEvent: " + malformed.getMessage());
                    }
                    continue;
                }
                if (filter != null && !filter.matches(stored.event())) {
                    ledger.ack(r.offset()); // not for this subscription: done without a delivery
                    continue;
                }
                Map<Long, FailureRecord> known = failures.get(tp);
                FailureRecord failed = known == null || known.isEmpty() ? null : known.get(r.offset());
                int attempt = failed == null ? 1 : failed.attempts() + 1;
                out.add(new PartitionDelivery(stored, subscription, attempt, lease, ledger, verdicts));
            }
            if (records.isEmpty()) {
                it.remove();
            }
        }
        return out;
    }

    // acked prefixes become commits; a nack rewinds its partition
    private void settle(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (var e : ledgers.entrySet()) {
            TopicPartition tp = e.getKey();
            PartitionLedger.Outcome outcome = e.getValue().settle();
            if (outcome.commit() >= 0 && !Long.valueOf(outcome.commit()).equals(committed.get(tp))) {
                commits.put(tp, new OffsetAndMetadata(outcome.commit(), metadata));
                committed.put(tp, outcome.commit());
                Map<Long, FailureRecord> f = failures.get(tp);
                if (f != null) {
                    f.keySet().removeIf(offset -> offset < outcome.commit());
                }
            }
            if (outcome.nack() != null) {
                rewind(tp, outcome.nack());
            }
        }
        if (!commits.isEmpty()) {
            // the Retry facts of the events a commit passes end once it is durable, not before: a crash
            // in between would bring such an event back as attempt 1
            if (sync) {
                consumer.commitSync(commits);
                commits.forEach((tp, commit) -> endRetriesBelow(tp, commit.offset()));
            } else {
                consumer.commitAsync(commits, (offsets, error) -> {
                    if (error != null) {
                        LOG.warn("subscription '{}' on '{}': commit of {} failed: {}", subscription, topic, offsets, error.getMessage());
                        return;
                    }
                    offsets.forEach((tp, commit) -> endRetriesBelow(tp, commit.offset()));
                });
            }
        }
    }

    private void rewind(TopicPartition tp, PartitionLedger.Nack nack) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> dropped = buffer.remove(tp);
        if (dropped != null) {
            buffered -= dropped.size();
        }
        if (nack.deadLetter()) {
            consumer.seek(tp, nack.offset() + 1); // the partition goes on behind its dead letter
            return;
        }
        consumer.seek(tp, nack.offset());
        long wait = nack.dueAt() - clock.millis();
        if (wait > 0) {
            consumer.pause(List.of(tp));
            pausedUntil.put(tp, System.nanoTime() + wait * 1_000_000L);
        }
    }

    /**
     * The failure side of this member's deliveries, called on the thread that ends a delivery (a
     * push handler's, a pull consumer's): the decision and its record in Kafka (a Retry fact, a
     * dead letter) happen at once, not at the member's next poll; the rewind waits for the poll.
     */
    /**
     * A verdict that no longer counts: its partition was revoked, or this member stopped polling
     * past its session and is presumed dead (another member delivers its events again). Such a
     * nack or reject writes nothing, so no event ends both dead-lettered and handled.
     */
    private boolean fenced(PartitionLedger ledger) {
        return ledger.isDetached() || presumedDead();
    }

    private boolean presumedDead() {
        return System.nanoTime() - lastPollNanos > sessionNanos;
    }

    final class Verdicts {

        void failed(StoredEvent stored, PartitionLedger ledger, Duration delay, Throwable error) {
            if (fenced(ledger)) {
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
                    recorded.computeIfAbsent(tp, k -> new java.util.concurrent.ConcurrentSkipListSet<>()).add(offset);
                    writeRetry(StateRecord.Retry.of(tp.partition(), StateRecord.Source.TOPIC, offset, failed, dueAt));
                }
                case RetryPolicy.Outcome.DeadLetter dead -> {
                    known.remove(offset);
                    if (ledger.nack(offset, 0, true)) {
                        deadLetter(tp, ledger, stored, failed, dead.reason());
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
            if (!queue.contains(item) || presumedDead()) {
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
                case RetryPolicy.Outcome.DeadLetter dead -> redriveDeadLetter(queue, item, failed, dead.reason());
            }
        }

        void redriveRejected(Redrives queue, Redrives.Item item, String reason) {
            if (queue.contains(item) && !presumedDead()) {
                redriveDeadLetter(queue, item, item.failures.next(null, reason, clock.instant()), reason);
            }
        }

        private void redriveDeadLetter(Redrives queue, Redrives.Item item, FailureRecord failed, String reason) {
            // a redrive given up on (closing, or no longer queued) leaves its Redrive fact: it is delivered again
            track(DeadLetterWrite.start(() -> failureLog.deadLetter(item.stored.event(), item.originalPosition(), failed, reason),
                    () -> !closing && queue.contains(item),
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
            if (fenced(ledger)) {
                return;
            }
            TopicPartition tp = new TopicPartition(topic, stored.position().partition());
            long offset = stored.position().offset();
            Map<Long, FailureRecord> known = failures.computeIfAbsent(tp, k -> new ConcurrentHashMap<>());
            FailureRecord failed = known.getOrDefault(offset, FailureRecord.NONE).next(null, reason, clock.instant());
            if (ledger.reject(offset)) {
                known.remove(offset);
                deadLetter(tp, ledger, stored, failed, reason);
            }
        }
    }

    /**
     * Writes the dead letter; the ledger lets the cursor pass the event once Kafka has it. Given up
     * on (closing, or the partition gone), the event is not acked: it comes again to whoever owns it.
     */
    private void deadLetter(TopicPartition tp, PartitionLedger ledger, StoredEvent stored, FailureRecord failed, String reason) {
        long offset = stored.position().offset();
        track(DeadLetterWrite.start(() -> failureLog.deadLetter(stored.event(), stored.position(), failed, reason),
                () -> !closing && !ledger.isDetached(),
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
    private void endRetriesBelow(TopicPartition tp, long commit) {
        java.util.NavigableSet<Long> offsets = recorded.get(tp);
        if (offsets == null) {
            return;
        }
        var below = offsets.headSet(commit);
        for (long offset : below) {
            failureLog.end(tp.partition(), StateRecord.retryKey(StateRecord.Source.TOPIC, offset));
        }
        below.clear();
    }

    private void resumeDue() {
        if (pausedUntil.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<TopicPartition> due = new ArrayList<>();
        pausedUntil.entrySet().removeIf(e -> {
            if (now - e.getValue() >= 0) {
                due.add(e.getKey());
                return true;
            }
            return false;
        });
        due.retainAll(consumer.assignment());
        consumer.resume(due);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // a dead letter being written: once it is, the commit passes its event; committed before, the event
            // went to the next owner, who could ack it (acked and dead-lettered both); bounded below the rebalance timeout
            awaitWrites(Duration.ofMillis(Math.min(5000, spec.sessionTimeout().toMillis() / 2)));
            try {
                settle(true);
            } catch (KafkaException e) {
                LOG.warn("subscription '{}' on '{}': commit before giving up {} failed: {}", subscription, topic, partitions, e.getMessage());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                restoreRetries(tp);
                ledgers.put(tp, new PartitionLedger());
            }
            publishAssignment();
        }

        /*
         * The state partition says which events of the partition failed and when they are due: the
         * next one waits for its due time, whoever delivered it before. Facts below the cursor are
         * stale (the event was acked or dead-lettered before its fact ended).
         */
        private void restoreRetries(TopicPartition tp) {
            long position = consumer.position(tp);
            Map<String, StateRecord.Read> facts = follower.rebuild(tp.partition()); // then followed, for new redrives
            long now = clock.millis();
            Redrives queue = new Redrives(tp.partition());
            Map<Long, StateRecord.Retry> redriveRetries = new HashMap<>();
            for (StateRecord.Read read : facts.values()) {
                if (read.fact().orElseThrow() instanceof StateRecord.Retry r && r.source() == StateRecord.Source.REDRIVE) {
                    redriveRetries.put(r.offset(), r);
                }
            }
            for (StateRecord.Read read : facts.values()) {
                if (read.fact().orElseThrow() instanceof StateRecord.Redrive d) {
                    queue.add(read.key(), read.offset(), new StoredEvent(topic, d.deadLetter(), clock.instant(), d.event()), d.original(),
                            redriveRetries.get(read.offset()));
                }
            }
            redrives.put(tp, queue);
            for (StateRecord.Read read : facts.values()) {
                if (read.fact().orElseThrow() instanceof StateRecord.Retry r && r.source() == StateRecord.Source.TOPIC
                        && r.offset() >= position) {
                    failures.computeIfAbsent(tp, k -> new ConcurrentHashMap<>()).put(r.offset(), r.failures());
                    recorded.computeIfAbsent(tp, k -> new java.util.concurrent.ConcurrentSkipListSet<>()).add(r.offset());
                    long wait = r.dueAt().toEpochMilli() - now;
                    if (r.offset() == position && wait > 0) {
                        consumer.pause(List.of(tp));
                        pausedUntil.put(tp, System.nanoTime() + wait * 1_000_000L);
                    }
                }
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionLedger ledger = ledgers.remove(tp);
                if (ledger != null) {
                    ledger.detach();
                }
                ArrayDeque<ConsumerRecord<byte[], byte[]>> dropped = buffer.remove(tp);
                if (dropped != null) {
                    buffered -= dropped.size();
                }
                failures.remove(tp);
                recorded.remove(tp);
                Redrives r = redrives.remove(tp);
                if (r != null) {
                    r.detach();
                }
                follower.release(tp.partition());
                pausedUntil.remove(tp);
                committed.remove(tp);
            }
            publishAssignment();
        }

        private void publishAssignment() {
            Set<Integer> now = new TreeSet<>();
            ledgers.keySet().forEach(tp -> now.add(tp.partition()));
            assignment = Set.copyOf(now);
        }
    }

    /** The spec's session timeout outside what the cluster allows, as an API error. */
    static RuntimeException translate(KafkaException e, SubscriptionSpec spec) {
        if (e instanceof InvalidSessionTimeoutException) {
            return new InvalidSpecException("the Kafka cluster refuses a session timeout of " + spec.sessionTimeout().toMillis()
                    + " ms (group.min/max.session.timeout.ms): " + e.getMessage());
        }
        return e;
    }
}
