package io.herald.kafka.read;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.cluster.ReaderSettings;
import io.herald.kafka.topic.StartOffsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer without a group: {@code assign} every partition, {@code seek} to offsets resolved at
 * once by {@link StartOffsets}. Records fetched beyond what a poll asked for wait in a buffer, in
 * fetch order, which keeps each partition's offset order. Not thread-safe, as the API says.
 */
public final class KafkaTopicReader implements TopicReader {

    private final Cluster cluster;
    private final List<TopicPartition> partitions;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private final Runnable onClose;
    // the broker may close a reader (its topic deleted, the broker closed) while its owner polls
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean closed;

    public KafkaTopicReader(Cluster cluster, Map<String, Object> clientBase, List<TopicPartition> partitions, StartPosition from, Runnable onClose) {
        this.cluster = cluster;
        this.partitions = List.copyOf(partitions);
        this.onClose = onClose;
        this.consumer = new KafkaConsumer<>(ReaderSettings.of(clientBase), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(this.partitions);
        seek(from);
    }

    @Override
    public List<StoredEvent> poll(int max, Duration wait) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        lock.lock();
        try {
            if (closed) {
                throw new BrokerClosedException("topic reader");
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (buffer.isEmpty()) {
                long left = deadline - System.nanoTime();
                consumer.poll(Duration.ofNanos(Math.max(0, left))).forEach(buffer::add);
                if (left <= 0) {
                    break;
                }
            }
            List<StoredEvent> out = new ArrayList<>(Math.min(max, buffer.size()));
            while (out.size() < max && !buffer.isEmpty()) {
                out.add(RecordEvents.stored(buffer.poll()));
            }
            return out;
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void seek(StartPosition position) {
        buffer.clear();
        StartOffsets.resolve(cluster, partitions, position).forEach(consumer::seek);
    }

    /** Buffered records come first; a partition with none stands where its consumer stands. */
    @Override
    public java.util.SortedMap<Integer, Long> positions() {
        lock.lock();
        try {
            if (closed) {
                throw new BrokerClosedException("topic reader");
            }
            java.util.SortedMap<Integer, Long> positions = new java.util.TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : buffer) {
                positions.putIfAbsent(r.partition(), r.offset());
            }
            for (TopicPartition tp : partitions) {
                if (!positions.containsKey(tp.partition())) {
                    positions.put(tp.partition(), consumer.position(tp, cluster.timeout()));
                }
            }
            return positions;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        consumer.wakeup();
        lock.lock();
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } finally {
            lock.unlock();
            onClose.run();
        }
    }
}
