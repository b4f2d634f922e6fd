package io.herald.kafka.deadletter;

import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Position;
import io.herald.broker.RedriveTarget;
import io.herald.broker.StoredEvent;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.error.InvalidSpecException;
import io.herald.event.MalformedEventException;
import io.herald.kafka.read.RecordEvents;
import io.herald.kafka.state.StateRecord;
import io.herald.kafka.state.StateTopicReader;
import io.herald.kafka.topic.InternalTopics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The dead letters of one subscription on Kafka: the records of its dead-letter topic that name
 * it ({@code dlqtopic}, {@code dlqsubscription}; the topic may be shared), minus those it resolved.
 *
 * <p>Kafka deletes no single record, so resolving a dead letter (a purge, a redrive) hides it: a
 * {@link StateRecord.Resolved} fact in the subscription's compacted state topic, in partition
 * {@code dead-letter partition mod state partitions}. Every read takes the state topic's facts
 * first and skips the positions they name; nothing lives in one process's memory, so any process
 * sees the same queue, before and after a restart.
 *
 * <p>A redrive to the subscription writes a {@link StateRecord.Redrive} fact per dead letter (in
 * the state partition of its original partition, so the member owning that partition delivers it
 * in key order); the subscription's engine delivers it from attempt 1 and ends the fact once it is
 * acked. Facts are written with {@code acks=all} and awaited before a call returns, the redriven
 * events or facts before the Resolved facts: a failure in between leaves a dead letter listed that
 * was already sent, never one hidden that was not. Thread-safe (each call reads afresh).
 */
public final class KafkaDeadLetterQueue implements DeadLetterQueue {

    private static final int CHUNK = 500;

    private final DeadLetterQueues kafka;
    private final String topic;
    private final String subscription;
    private final String deadLetterTopic;
    private final String stateTopic;

    KafkaDeadLetterQueue(DeadLetterQueues kafka, String topic, String subscription, String deadLetterTopic) {
        this.kafka = kafka;
        this.topic = topic;
        this.subscription = subscription;
        this.deadLetterTopic = deadLetterTopic;
        this.stateTopic = InternalTopics.subscriptionState(topic, subscription);
    }

    @Override
    public String topic() {
        return deadLetterTopic;
    }

    @Override
    public List<DeadLetter> list(DeadLetterSelector selector, int limit) {
        if (limit < 1) {
            throw new InvalidSpecException("a dead-letter list limit must be at least 1, got " + limit);
        }
        List<DeadLetter> out = new ArrayList<>();
        try (StateTopicReader reader = kafka.reader()) {
            scan(reader, selector, resolved(facts(reader)), d -> {
                out.add(d);
                return out.size() < limit;
            });
        }
        return out;
    }

    @Override
    public long count(DeadLetterSelector selector) {
        try (StateTopicReader reader = kafka.reader()) {
            return count(reader, selector, facts(reader));
        }
    }

    /** The count with the state topic's facts already read (the subscription's stats read them once for all). */
    long count(StateTopicReader reader, DeadLetterSelector selector, Map<String, StateRecord> facts) {
        long[] n = {0};
        scan(reader, selector, resolved(facts), d -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    @Override
    public Optional<DeadLetter> show(Position position) {
        Optional<Integer> partitions = kafka.stateTopics().partitionsOf(deadLetterTopic);
        if (partitions.isEmpty() || position.partition() >= partitions.get()) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        ConsumerRecord<byte[], byte[]>[] found = new ConsumerRecord[1];
        try (StateTopicReader reader = kafka.reader()) {
            if (resolved(facts(reader)).contains(position)) {
                return Optional.empty();
            }
            reader.read(Map.of(new TopicPartition(deadLetterTopic, position.partition()), position.offset()), r -> {
                found[0] = r;
                return false; // the first record at or after the offset: the one asked for, or none is there
            });
        }
        if (found[0] == null || found[0].offset() != position.offset()) {
            return Optional.empty();
        }
        return deadLetterOf(found[0]);
    }

    @Override
    public long redrive(DeadLetterSelector selector, RedriveTarget target, Progress progress) {
        if (target instanceof RedriveTarget.ToTopic to) {
            if (to.topic().equals(deadLetterTopic)) {
                throw new InvalidSpecException("cannot redrive dead letters into their own dead-letter topic '" + deadLetterTopic + "'");
            }
            kafka.topics().requireExists(to.topic()); // a missing target fails before anything moves
        }
        List<DeadLetter> selected = new ArrayList<>();
        try (StateTopicReader reader = kafka.reader()) {
            scan(reader, selector, resolved(facts(reader)), selected::add);
        }
        long total = selected.size();
        progress.update(0, total);
        if (selected.isEmpty()) {
            return 0;
        }
        int statePartitions = ensureStateTopic();
        long done = 0;
        for (int from = 0; from < selected.size(); from += CHUNK) {
            List<DeadLetter> chunk = selected.subList(from, Math.min(selected.size(), from + CHUNK));
            switch (target) {
                case RedriveTarget.ToTopic to -> join(List.of(kafka.publisher().publish(to.topic(), chunk.stream().map(DeadLetter::event).toList())));
                case RedriveTarget.ToSubscription to -> {
                    List<StateRecord> facts = new ArrayList<>(chunk.size());
                    for (DeadLetter d : chunk) {
                        facts.add(new StateRecord.Redrive(Math.floorMod(d.originalPosition().partition(), statePartitions),
                                deadLetterTopic, d.position(), d.event(), d.originalPosition()));
                    }
                    write(facts);
                }
            }
            write(chunk.stream().map(d -> resolvedFact(d, statePartitions)).toList());
            done += chunk.size();
            progress.update(done, total);
        }
        return total;
    }

    /**
     * Resolves the selected dead letters, then lets every parked key go on whose dead letters are
     * now all resolved: its {@link StateRecord.Park} fact ends (a tombstone, written whether or
     * not the key was parked, as only the engine knows; a tombstone for nothing costs nothing).
     */
    @Override
    public long purge(DeadLetterSelector selector) {
        List<DeadLetter> selected = new ArrayList<>();
        Set<String> keysLeft = new HashSet<>();
        try (StateTopicReader reader = kafka.reader()) {
            scan(reader, DeadLetterSelector.all(), resolved(facts(reader)), d -> {
                if (selector.selects(d)) {
                    selected.add(d);
                } else {
                    d.event().partitionKey().ifPresent(keysLeft::add);
                }
                return true;
            });
        }
        if (selected.isEmpty()) {
            return 0;
        }
        int statePartitions = ensureStateTopic();
        for (int from = 0; from < selected.size(); from += CHUNK) {
            write(selected.subList(from, Math.min(selected.size(), from + CHUNK)).stream().map(d -> resolvedFact(d, statePartitions)).toList());
        }
        Set<String> unparked = new LinkedHashSet<>();
        selected.forEach(d -> d.event().partitionKey().filter(k -> !keysLeft.contains(k)).ifPresent(unparked::add));
        List<CompletableFuture<?>> ends = new ArrayList<>();
        for (String key : unparked) {
            String park = new StateRecord.Park(0, key, 0).key();
            ends.add(kafka.internal().send(StateRecord.end(stateTopic, StateRecord.partitionOf(key, statePartitions), park)));
        }
        join(ends);
        return selected.size();
    }

    /**
     * Every unresolved dead letter of this subscription that the selector takes, partition by
     * partition in offset order, until {@code each} returns false.
     */
    private void scan(StateTopicReader reader, DeadLetterSelector selector, Set<Position> resolved, Predicate<DeadLetter> each) {
        Optional<Integer> partitions = kafka.stateTopics().partitionsOf(deadLetterTopic);
        if (partitions.isEmpty()) {
            return; // no dead letter was ever written
        }
        for (int p = 0; p < partitions.get(); p++) {
            long from = 0;
            long to = Long.MAX_VALUE;
            if (selector instanceof DeadLetterSelector.Range r) {
                if (r.partition() != p) {
                    continue;
                }
                from = r.from();
                to = r.to();
            }
            long last = to;
            boolean[] more = {true};
            reader.read(Map.of(new TopicPartition(deadLetterTopic, p), from), record -> {
                if (record.offset() > last) {
                    return false;
                }
                if (resolved.contains(new Position(record.partition(), record.offset()))) {
                    return true;
                }
                Optional<DeadLetter> d = deadLetterOf(record).filter(selector::selects);
                more[0] = d.isEmpty() || each.test(d.get());
                return more[0];
            });
            if (!more[0]) {
                return;
            }
        }
    }

    /** The dead letter of this subscription a record holds, if it holds one. */
    private Optional<DeadLetter> deadLetterOf(ConsumerRecord<byte[], byte[]> record) {
        StoredEvent stored;
        try {
            stored = RecordEvents.stored(record);
        } catch (MalformedEventException notAnEvent) {
            return Optional.empty(); // someone else's record in a shared topic
        }
        return DeadLetterFormat.read(stored).filter(d -> d.topic().equals(topic) && d.subscription().equals(subscription));
    }

    /** The facts of the subscription's state topic, none if it has none yet. */
    Map<String, StateRecord> facts(StateTopicReader reader) {
        Optional<Integer> partitions = kafka.stateTopics().partitionsOf(stateTopic);
        return partitions.isEmpty() ? Map.of() : reader.liveFacts(stateTopic, partitions.get());
    }

    private Set<Position> resolved(Map<String, StateRecord> facts) {
        Set<Position> resolved = new HashSet<>();
        for (StateRecord fact : facts.values()) {
            if (fact instanceof StateRecord.Resolved r && r.deadLetterTopic().equals(deadLetterTopic)) {
                resolved.add(r.deadLetter());
            }
        }
        return resolved;
    }

    private StateRecord resolvedFact(DeadLetter d, int statePartitions) {
        return new StateRecord.Resolved(Math.floorMod(d.position().partition(), statePartitions), deadLetterTopic, d.position());
    }

    private int ensureStateTopic() {
        return kafka.stateTopics().ensure(topic, subscription, kafka.topics().partitions(topic));
    }

    /** Appends the facts in order (per state partition, the producer keeps it) and waits for every acknowledgement. */
    private void write(List<StateRecord> facts) {
        List<CompletableFuture<?>> acks = new ArrayList<>(facts.size());
        for (StateRecord fact : facts) {
            acks.add(kafka.internal().send(StateRecord.write(stateTopic, fact)));
        }
        join(acks);
    }

    private static void join(List<? extends CompletableFuture<?>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
