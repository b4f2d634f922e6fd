package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.error.InvalidSpecException;
import io.herald.event.EventFilter;
import io.herald.kafka.failure.FailureLog;
import io.herald.delivery.FailureRecord;
import io.herald.kafka.read.RecordEvents;
import io.herald.kafka.state.StateFollower;
import io.herald.kafka.state.StateRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
 * partition's next event. The failure side (failures so far, the policy's decision, Retry facts
 * and dead letters) is {@link PartitionFailures}', the fetched records and the partitions' pauses
 * {@link RecordBuffer}'s, and what an assigned partition's state partition says {@link PartitionRestore}'s.
 *
 * <p>Threading: every method but the deliveries' ends is called by one thread at a time.
 */
final class PartitionMember {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionMember.class);

    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionLedger> ledgers = new HashMap<>();
    private final RecordBuffer buffer;
    private final PartitionRestore restore;
    private final PartitionFailures failures;
    /** Dead letters redriven to each partition, delivered before its next event. */
    private final Map<TopicPartition, Redrives> redrives = new ConcurrentHashMap<>();
    private final StateFollower follower;
    private final EventFilter filter;
    private volatile boolean closing;
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

    PartitionMember(Map<String, Object> clientBase, String topic, String subscription, SubscriptionSpec spec, FailureLog failureLog,
                    StateFollower follower, Clock clock) {
        this.clock = clock;
        this.follower = follower;
        this.filter = spec.filter().map(EventFilter::compile).orElse(null);
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.failures = new PartitionFailures(topic, subscription, spec, failureLog, clock, new PartitionFailures.Membership() {
            @Override
            public boolean fenced(PartitionLedger ledger) {
                return ledger.isDetached() || presumedDead();
            }

            @Override
            public boolean presumedDead() {
                return PartitionMember.this.presumedDead();
            }

            @Override
            public boolean closing() {
                return closing;
            }
        });
        this.metadata = CommitMetadata.of(spec);
        long session = spec.sessionTimeout().toMillis();
        this.sessionNanos = spec.sessionTimeout().toNanos();
        Map<String, Object> p = MemberSettings.of(clientBase, topic, subscription, spec);
        p.put("max.poll.interval.ms", Long.toString(session));
        p.putIfAbsent("max.poll.records", "500");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.buffer = new RecordBuffer(consumer);
        this.restore = new PartitionRestore(topic, follower, failures, buffer, clock);
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
            buffer.resumeDue();
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
            failures.awaitWrites(Duration.ofSeconds(10));
            settle(true);
        } catch (KafkaException e) {
            LOG.warn("subscription '{}' on '{}' could not commit on close: {}", subscription, topic, e.getMessage());
        }
        closing = true;
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        follower.close();
    }

    void wakeup() {
        consumer.wakeup();
    }

    private void fetch(Duration wait) {
        Collection<TopicPartition> stopped = buffer.pauseIfFull();
        ConsumerRecords<byte[], byte[]> fetched = consumer.poll(wait);
        lastPollNanos = System.nanoTime();
        buffer.add(fetched, ledgers.keySet());
        buffer.resume(stopped);
    }

    /** Whether something can be handed out now: a redriven event, or a fetched one not waiting behind one. */
    private boolean deliverable() {
        long now = clock.millis();
        for (Redrives r : redrives.values()) {
            if (r.ready(now)) {
                return true;
            }
        }
        return buffer.waiting(this::heldBack);
    }

    /** Whether the partition waits for the outcome of a dead letter redriven to it. */
    private boolean heldBack(TopicPartition tp) {
        Redrives r = redrives.get(tp);
        return r != null && r.blocking();
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
        List<Delivery> out = new ArrayList<>(Math.min(max, buffer.size() + 1));
        Instant lease = clock.instant().plus(spec.sessionTimeout());
        long now = clock.millis();
        for (Redrives r : redrives.values()) {
            Redrives.Item item = out.size() < max ? r.take(now) : null;
            if (item != null && !failures.resumeDeadLetter(r, item)) {
                out.add(new RedriveDelivery(topic, subscription, r, item, lease, failures));
            }
        }
        buffer.take(() -> out.size() < max, tp -> {
            if (heldBack(tp)) {
                return null; // a redriven dead letter goes before the partition's next event
            }
            PartitionLedger ledger = ledgers.get(tp);
            return r -> handOut(tp, ledger, r, lease, out);
        });
        return out;
    }

    /** Hands out a fetched record: a delivery, or done at once (filtered out, dead-lettered as no CloudEvent). */
    private void handOut(TopicPartition tp, PartitionLedger ledger, ConsumerRecord<byte[], byte[]> r, Instant lease, List<Delivery> out) {
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
                failures.deadLetter(tp, ledger, RecordEvents.undecodable(r), undecodable, "not a CloudEvent: " + malformed.getMessage(),
                        null);
            }
            return;
        }
        if (failures.resumeDeadLetter(tp, ledger, stored)) {
            return; // its dead letter was being written when its last owner stopped
        }
        if (filter != null && !filter.matches(stored.event())) {
            ledger.ack(r.offset()); // not for this subscription: done without a delivery
            return;
        }
        out.add(new PartitionDelivery(stored, subscription, failures.attempt(tp, r.offset()), lease, ledger, failures));
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
                failures.passed(tp, outcome.commit());
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
                commits.forEach((tp, commit) -> failures.endRetriesBelow(tp, commit.offset()));
            } else {
                consumer.commitAsync(commits, (offsets, error) -> {
                    if (error != null) {
                        LOG.warn("subscription '{}' on '{}': commit of {} failed: {}", subscription, topic, offsets, error.getMessage());
                        return;
                    }
                    offsets.forEach((tp, commit) -> failures.endRetriesBelow(tp, commit.offset()));
                });
            }
        }
    }

    private void rewind(TopicPartition tp, PartitionLedger.Nack nack) {
        buffer.drop(tp);
        if (nack.deadLetter()) {
            consumer.seek(tp, nack.offset() + 1); // the partition goes on behind its dead letter
            return;
        }
        consumer.seek(tp, nack.offset());
        long wait = nack.dueAt() - clock.millis();
        if (wait > 0) {
            buffer.pauseFor(tp, wait);
        }
    }

    /**
     * Whether this member stopped polling past its session: another member delivers its events
     * again, so its nacks and rejects write nothing and no event ends both dead-lettered and handled.
     */
    private boolean presumedDead() {
        return System.nanoTime() - lastPollNanos > sessionNanos;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // a dead letter being written: once it is, the commit passes its event; committed before, the event
            // went to the next owner, who could ack it (acked and dead-lettered both); bounded below the rebalance timeout
            failures.awaitWrites(Duration.ofMillis(Math.min(5000, spec.sessionTimeout().toMillis() / 2)));
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
                redrives.put(tp, restore.restore(tp, consumer.position(tp)));
                ledgers.put(tp, new PartitionLedger());
            }
            publishAssignment();
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionLedger ledger = ledgers.remove(tp);
                if (ledger != null) {
                    ledger.detach();
                }
                buffer.forget(tp);
                failures.forget(tp);
                Redrives r = redrives.remove(tp);
                if (r != null) {
                    r.detach();
                }
                follower.release(tp.partition());
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
