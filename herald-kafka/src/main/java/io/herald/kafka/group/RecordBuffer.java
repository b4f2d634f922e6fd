package io.herald.kafka.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The records a {@link PartitionMember} fetched and has not handed out yet, per partition in
 * offset order, and the pauses of its partitions: all of them while the buffer is full, and one
 * whose next event waits for its retry, until it is due. The member's poll thread only.
 */
final class RecordBuffer {

    private static final int BUFFER_LIMIT = 2000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffer = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private int buffered;

    RecordBuffer(KafkaConsumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** The records waiting. */
    int size() {
        return buffered;
    }

    /** Before a poll: a full buffer pauses the partitions not paused yet, which {@link #resume} resumes after it. */
    Collection<TopicPartition> pauseIfFull() {
        Collection<TopicPartition> stopped = List.of();
        if (buffered >= BUFFER_LIMIT) {
            stopped = new ArrayList<>(consumer.assignment());
            stopped.removeAll(consumer.paused());
            consumer.pause(stopped);
        }
        return stopped;
    }

    /** Keeps what a poll fetched of the partitions in {@code owned}. */
    void add(ConsumerRecords<byte[], byte[]> fetched, Set<TopicPartition> owned) {
        for (TopicPartition tp : fetched.partitions()) { // per partition, not per record: no key and lookups for each
            if (owned.contains(tp)) {
                List<ConsumerRecord<byte[], byte[]>> records = fetched.records(tp);
                buffer.computeIfAbsent(tp, k -> new ArrayDeque<>(records.size())).addAll(records);
                buffered += records.size();
            }
        }
    }

    /** After a poll: resumes the partitions {@link #pauseIfFull} paused that are still assigned. */
    void resume(Collection<TopicPartition> stopped) {
        if (!stopped.isEmpty()) {
            stopped.retainAll(consumer.assignment());
            consumer.resume(stopped);
        }
    }

    /** Whether a record waits of a partition that {@code held} does not hold back. */
    boolean waiting(Predicate<TopicPartition> held) {
        for (var e : buffer.entrySet()) {
            if (!e.getValue().isEmpty() && !held.test(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands the waiting records out in offset order, partition by partition, while {@code more}
     * says so: {@code taker} gives what takes a partition's records, or null to leave them waiting.
     */
    void take(BooleanSupplier more, Function<TopicPartition, Consumer<ConsumerRecord<byte[], byte[]>>> taker) {
        for (var it = buffer.entrySet().iterator(); it.hasNext() && more.getAsBoolean(); ) {
            var e = it.next();
            Consumer<ConsumerRecord<byte[], byte[]>> take = taker.apply(e.getKey());
            if (take == null) {
                continue;
            }
            ArrayDeque<ConsumerRecord<byte[], byte[]>> records = e.getValue();
            while (more.getAsBoolean() && !records.isEmpty()) {
                ConsumerRecord<byte[], byte[]> r = records.poll();
                buffered--;
                take.accept(r);
            }
            if (records.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Drops the partition's waiting records: it was sought back, or is no longer the member's. */
    void drop(TopicPartition tp) {
        ArrayDeque<ConsumerRecord<byte[], byte[]>> dropped = buffer.remove(tp);
        if (dropped != null) {
            buffered -= dropped.size();
        }
    }

    /** Pauses the partition for {@code millis}: its next event is a retry due then. */
    void pauseFor(TopicPartition tp, long millis) {
        consumer.pause(List.of(tp));
        pausedUntil.put(tp, System.nanoTime() + millis * 1_000_000L);
    }

    /** Resumes the partitions whose pause is over. */
    void resumeDue() {
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

    /** The partition went to another member: its records and its pause go. */
    void forget(TopicPartition tp) {
        drop(tp);
        pausedUntil.remove(tp);
    }
}
