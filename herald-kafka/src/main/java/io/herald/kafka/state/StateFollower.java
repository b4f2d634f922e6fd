package io.herald.kafka.state;

import io.herald.ClusterUnreachableException;
import io.herald.kafka.cluster.ReaderSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the partitions of a subscription's state topic that match the source partitions a
 * member owns. When a source partition is assigned, its state partition is read from the
 * beginning to its end ({@link #rebuild}): what it holds then is what the member must know
 * before it hands out anything of that partition (retry schedules, parked keys, redrives). After
 * that the partition is tailed ({@link #tail}), so the member hears facts that other processes
 * write (a purge's end of a parked key, a redrive).
 *
 * <p>A consumer without a group ({@code assign}); not thread-safe: the member's own thread uses it.
 */
public final class StateFollower implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StateFollower.class);

    private static final Duration POLL = Duration.ofMillis(50);

    private final String stateTopic;
    private final Duration timeout;
    private final String bootstrapServers;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<TopicPartition> followed = new HashSet<>();
    /** Records of followed partitions read during a rebuild of another: the next tail hands them on. */
    private final List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();

    public StateFollower(Map<String, Object> clientBase, String stateTopic, Duration timeout, String bootstrapServers) {
        this.stateTopic = stateTopic;
        this.timeout = timeout;
        this.bootstrapServers = bootstrapServers;
        Map<String, Object> p = ReaderSettings.of(clientBase);
        p.put("max.poll.records", "2000");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The live facts of state partition {@code partition} (the last under each key, without those
     * ended by a tombstone), in the order they were last written; the partition is followed after.
     */
    public Map<String, StateRecord.Read> rebuild(int partition) {
        TopicPartition tp = new TopicPartition(stateTopic, partition);
        long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
        followed.add(tp);
        consumer.assign(followed);
        consumer.seekToBeginning(List.of(tp));
        Map<String, StateRecord.Read> live = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(tp, timeout) < end) {
            var records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                deadline = System.nanoTime() + timeout.toNanos();
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.partition() != partition) {
                    pending.add(r);
                    continue;
                }
                StateRecord.Read read = readable(r);
                if (read == null) {
                    continue;
                }
                live.remove(read.key()); // a fact written again takes the place of its last write
                if (read.fact().isPresent()) {
                    live.put(read.key(), read);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterUnreachableException(bootstrapServers, "state partition " + tp + " up to offset " + end
                        + " within " + timeout.toMillis() + " ms", null);
            }
        }
        return live;
    }

    /** A fact or an end read from state partition {@code partition}. */
    public record Tailed(int partition, StateRecord.Read read) {
    }

    /** The facts and ends written to the followed partitions since the last call; does not wait. */
    public List<Tailed> tail() {
        List<Tailed> out = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(pending);
        pending.clear();
        if (!followed.isEmpty()) {
            consumer.poll(Duration.ZERO).forEach(records::add);
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
            StateRecord.Read read = readable(r);
            if (read != null) {
                out.add(new Tailed(r.partition(), read));
            }
        }
        return out;
    }

    /** The fact, or null for a record this version cannot read (a later version's kind): skipped, not fatal. */
    private StateRecord.Read readable(ConsumerRecord<byte[], byte[]> r) {
        try {
            return StateRecord.read(r);
        } catch (IllegalArgumentException | java.io.UncheckedIOException | io.herald.event.MalformedEventException e) {
            LOG.warn("state topic '{}': record {}@{} is not readable by this version and is skipped: {}", stateTopic, r.partition(),
                    r.offset(), e.getMessage());
            return null;
        }
    }

    /** Stops following {@code partition}: its source partition went to another member. */
    public void release(int partition) {
        TopicPartition tp = new TopicPartition(stateTopic, partition);
        if (followed.remove(tp)) {
            pending.removeIf(r -> r.partition() == partition);
            consumer.assign(followed);
        }
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
