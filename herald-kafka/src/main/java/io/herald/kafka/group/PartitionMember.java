package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.InvalidSpecException;
import io.herald.broker.RetryPolicy;
import io.herald.broker.SubscriptionSpec;
import io.herald.kafka.read.RecordEvents;
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
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * backoff; the event comes again with the next attempt number. Attempt counts live in this
 * member's memory in phase 1: a member that takes a partition over starts them at 1 again.
 * Dead-lettering after the last attempt is phase 2: until then the event is retried at the
 * policy's largest backoff, and the partition waits, as on plain Kafka.
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
    private final Map<TopicPartition, Map<Long, Integer>> failures = new HashMap<>();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private volatile Set<Integer> assignment = Set.of();
    private volatile boolean rebalanceExpected;
    private final String metadata;
    private int buffered;

    PartitionMember(Map<String, Object> clientBase, String topic, String subscription, SubscriptionSpec spec) {
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.metadata = CommitMetadata.of(spec);
        long session = spec.sessionTimeout().toMillis();
        Map<String, Object> p = new HashMap<>(clientBase);
        p.put("group.id", GroupIds.of(topic, subscription));
        p.put("group.protocol", "classic");
        p.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest"); // a cursor behind retention continues at the oldest event held
        p.put("session.timeout.ms", Long.toString(session));
        // Kafka's default is a third of the session; at most a second here, because a member hears of
        // a rebalance only in a heartbeat's answer and partitions wait for every member to rejoin
        p.put("heartbeat.interval.ms", Long.toString(Math.max(10, Math.min(1000, session / 3))));
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
            long left = deadline - System.nanoTime();
            // a poll is the member's sign of life even when the buffer could answer alone
            fetch(buffered > 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, Math.min(left, Duration.ofMillis(100).toNanos()))));
            if (buffered > 0 || left <= 0) {
                return take(max);
            }
        }
    }

    /** Commits what is acked, then leaves the group. */
    void close() {
        try {
            settle(true);
        } catch (KafkaException e) {
            LOG.warn("subscription '{}' on '{}' could not commit on close: {}", subscription, topic, e.getMessage());
        }
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
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
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (ledgers.containsKey(tp)) {
                buffer.computeIfAbsent(tp, k -> new ArrayDeque<>()).add(r);
                buffered++;
            }
        }
        if (!stopped.isEmpty()) {
            stopped.retainAll(consumer.assignment());
            consumer.resume(stopped);
        }
    }

    private List<Delivery> take(int max) {
        List<Delivery> out = new ArrayList<>(Math.min(max, buffered));
        Instant lease = Instant.now().plus(spec.sessionTimeout());
        for (var it = buffer.entrySet().iterator(); it.hasNext() && out.size() < max; ) {
            var e = it.next();
            TopicPartition tp = e.getKey();
            PartitionLedger ledger = ledgers.get(tp);
            ArrayDeque<ConsumerRecord<byte[], byte[]>> records = e.getValue();
            while (out.size() < max && !records.isEmpty()) {
                ConsumerRecord<byte[], byte[]> r = records.poll();
                buffered--;
                int attempt = failures.getOrDefault(tp, Map.of()).getOrDefault(r.offset(), 0) + 1;
                ledger.delivered(r.offset());
                out.add(new PartitionDelivery(RecordEvents.stored(r), subscription, attempt, lease, ledger));
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
                Map<Long, Integer> f = failures.get(tp);
                if (f != null) {
                    f.keySet().removeIf(offset -> offset < outcome.commit());
                }
            }
            if (outcome.nack() != null) {
                rewind(tp, outcome.nack());
            }
        }
        if (!commits.isEmpty()) {
            if (sync) {
                consumer.commitSync(commits);
            } else {
                consumer.commitAsync(commits, (offsets, error) -> {
                    if (error != null) {
                        LOG.warn("subscription '{}' on '{}': commit of {} failed: {}", subscription, topic, offsets, error.getMessage());
                    }
                });
            }
        }
    }

    private void rewind(TopicPartition tp, PartitionLedger.Nack nack) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> dropped = buffer.remove(tp);
        if (dropped != null) {
            buffered -= dropped.size();
        }
        int failed = failures.computeIfAbsent(tp, k -> new HashMap<>()).merge(nack.offset(), 1, Integer::sum);
        Duration delay = nack.delay();
        if (delay == null) {
            RetryPolicy policy = spec.retry();
            switch (policy.decide(failed, nack.failure(), ThreadLocalRandom.current())) {
                case RetryPolicy.Outcome.Retry retry -> delay = retry.delay();
                case RetryPolicy.Outcome.DeadLetter dead -> {
                    LOG.warn("subscription '{}' on '{}': event {}@{} {}; dead-letter topics are phase 2 of the Kafka backend, "
                            + "so it is retried", subscription, topic, tp.partition(), nack.offset(), dead.reason());
                    delay = policy.backoff(Integer.MAX_VALUE / 2, ThreadLocalRandom.current());
                }
            }
        }
        consumer.seek(tp, nack.offset());
        if (delay.isPositive()) {
            consumer.pause(List.of(tp));
            pausedUntil.put(tp, System.nanoTime() + delay.toNanos());
        }
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
                ArrayDeque<ConsumerRecord<byte[], byte[]>> dropped = buffer.remove(tp);
                if (dropped != null) {
                    buffered -= dropped.size();
                }
                failures.remove(tp);
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
