package io.herald.kafka.state;

import io.herald.ClusterUnreachableException;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.cluster.ReaderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topic partitions once, from a start to the end offset they had when the read began: what
 * a compacted state topic says now ({@link #liveFacts}), or a dead-letter topic's records. A
 * consumer without a group ({@code assign}, {@code seek}); records appended during the read are
 * left for the next one, so a read of a busy topic ends.
 *
 * <p>The end is reached when the consumer's position is at or past it, not when a record at
 * {@code end - 1} arrives: compaction leaves gaps, and the last offsets may hold no record a
 * reader sees (a compacted batch keeps its last offset, so the position still moves past them).
 * A read gives up with a {@link ClusterUnreachableException} when no partition moved for the
 * cluster's request timeout.
 *
 * <p>The partitions must exist (an unknown one would hold the consumer until the timeout):
 * callers check first, for instance with {@link StateTopics#partitionsOf}. Not thread-safe: one
 * reader per read, closed after it.
 */
public final class StateTopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final Cluster cluster;
    private final KafkaConsumer<byte[], byte[]> consumer;

    public StateTopicReader(Cluster cluster, Map<String, Object> clientBase) {
        this.cluster = cluster;
        Map<String, Object> p = ReaderSettings.of(clientBase);
        p.put("max.poll.records", "2000");
        // a read stops at the end: a fetch the broker holds back for data (500 ms by default) would
        // only delay the next partition's first fetch, which waits behind it on the same connection
        p.put("fetch.max.wait.ms", "5");
        p.put("default.api.timeout.ms", Long.toString(cluster.timeout().toMillis()));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Every record of {@code partitions} from the beginning to their end offsets now, in offset
     * order within a partition (partitions interleave).
     */
    public void readAll(Collection<TopicPartition> partitions, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<TopicPartition, Long> from = new HashMap<>();
        partitions.forEach(tp -> from.put(tp, 0L));
        read(from, r -> {
            each.accept(r);
            return true;
        });
    }

    /**
     * The records of each partition from its offset in {@code from} (the oldest held if that is
     * gone) to its end offset now, in offset order within a partition, until {@code each} returns
     * false.
     */
    public void read(Map<TopicPartition, Long> from, Predicate<ConsumerRecord<byte[], byte[]>> each) {
        if (from.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(from.keySet(), cluster.timeout());
        List<TopicPartition> open = new ArrayList<>();
        from.forEach((tp, offset) -> {
            if (offset < ends.get(tp)) {
                open.add(tp);
            }
        });
        consumer.assign(open);
        open.forEach(tp -> consumer.seek(tp, from.get(tp)));
        long quietSince = System.nanoTime();
        while (!open.isEmpty()) {
            var records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                quietSince = System.nanoTime();
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (open.contains(tp) && r.offset() < ends.get(tp) && !each.test(r)) {
                    consumer.assign(List.of());
                    return;
                }
            }
            List<TopicPartition> done = open.stream().filter(tp -> consumer.position(tp, cluster.timeout()) >= ends.get(tp)).toList();
            if (!done.isEmpty()) {
                open.removeAll(done);
                consumer.pause(done);
            }
            if (!open.isEmpty() && System.nanoTime() - quietSince > cluster.timeout().toNanos()) {
                throw new ClusterUnreachableException(cluster.bootstrapServers(), "the records of " + open + " up to offsets "
                        + ends + " within " + cluster.timeout().toMillis() + " ms", null);
            }
        }
        consumer.assign(List.of());
    }

    /**
     * What a compacted state topic holds now: the last fact under each key, in the order read,
     * without the keys whose last record is a tombstone.
     */
    public Map<String, StateRecord> liveFacts(String stateTopic, int partitions) {
        Map<String, StateRecord> live = new LinkedHashMap<>();
        List<TopicPartition> all = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(stateTopic, p));
        }
        readAll(all, record -> {
            StateRecord.Read read = StateRecord.read(record);
            live.remove(read.key()); // a fact written again moves to the end, as its order is now its last write
            read.fact().ifPresent(f -> live.put(read.key(), f));
        });
        return live;
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
