package io.herald.kafka.delay;

import io.herald.ClusterUnreachableException;
import io.herald.broker.StorageException;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.topic.InternalTopics;
import io.herald.kafka.topic.StartOffsets;
import io.herald.kafka.topic.TopicConfigs;
import io.herald.kafka.topic.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The delay topic of each topic ({@link InternalTopics#delay}), created on its first delayed
 * publish with the topic's partition count and these configs:
 *
 * <pre>
 * cleanup.policy   delete
 * retention.ms     -1, retention.bytes -1: a delayed event must not expire before it is due; the
 *                  forwarder deletes records below its commit point instead (DeleteRecords)
 * segment.bytes    16 MiB, so that deleted records free their disk soon
 * max.message.bytes as the topic's: the event plus two small headers fit the framing room
 * flush.*          copied from the topic: a delayed event is kept as durably as the topic's
 *                  fsync policy asks
 * </pre>
 *
 * Which delay topics exist is cached per process; a topic deleted elsewhere is found out when a
 * write fails and {@link #forget} is called. Thread-safe.
 */
final class DelayTopics {

    static final long SEGMENT_BYTES = 16L * 1024 * 1024;

    private final Cluster cluster;
    private final Topics topics;
    private final short replicationFactor;
    private final int maxEventBytes;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    DelayTopics(Cluster cluster, Topics topics, short replicationFactor, int maxEventBytes) {
        this.cluster = cluster;
        this.topics = topics;
        this.replicationFactor = replicationFactor;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * The delay topic of {@code target}, created if it does not exist yet; returns {@code true} if
     * this call created it (the forwarder subscribes to it then, instead of waiting to find it).
     */
    boolean ensure(String target, int partitions) {
        String name = InternalTopics.delay(target);
        if (known.contains(name)) {
            return false;
        }
        boolean created;
        try {
            NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(configs(target));
            cluster.await(cluster.admin().createTopics(List.of(topic)).all(), "creating delay topic '" + name + "'");
            created = true;
        } catch (TopicExistsException e) {
            created = false;
            requirePartitions(name, partitions);
        }
        awaitWritable(name, partitions);
        known.add(name);
        return created;
    }

    /** Deletes the delay topic of {@code target} and the events it holds; nothing if it has none. */
    void delete(String target) {
        String name = InternalTopics.delay(target);
        known.remove(name);
        try {
            cluster.await(cluster.admin().deleteTopics(List.of(name)).all(), "deleting delay topic '" + name + "'");
        } catch (UnknownTopicOrPartitionException e) {
            // the topic never had a delayed event
        }
    }

    /** After a write to the delay topic of {@code target} failed because Kafka does not know it. */
    void forget(String target) {
        known.remove(InternalTopics.delay(target));
    }

    /*
     * Every partition's leader ready before the first write (see Topics.awaitVisible for what an
     * idempotent producer suffers otherwise): a ListOffsets that every leader answers. Right after
     * the create, the admin client's metadata may not know the topic yet, so that is tried again.
     */
    private void awaitWritable(String name, int partitions) {
        long deadline = System.nanoTime() + cluster.timeout().toNanos();
        while (true) {
            try {
                StartOffsets.ends(cluster, Topics.partitionsOf(name, partitions));
                return;
            } catch (UnknownTopicOrPartitionException e) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterUnreachableException(cluster.bootstrapServers(), "delay topic '" + name + "' ready for writes in time", e);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ClusterUnreachableException(cluster.bootstrapServers(), "delay topic '" + name + "' ready (interrupted)", interrupted);
                }
            }
        }
    }

    private Map<String, String> configs(String target) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", "delete");
        configs.put(TopicConfigs.RETENTION_MS, "-1");
        configs.put(TopicConfigs.RETENTION_BYTES, "-1");
        configs.put(TopicConfigs.SEGMENT_BYTES, Long.toString(SEGMENT_BYTES));
        configs.put(TopicConfigs.MAX_MESSAGE_BYTES, Integer.toString(maxEventBytes + TopicConfigs.FRAMING_BYTES));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, target);
        Config targetConfigs = cluster.await(cluster.admin().describeConfigs(List.of(resource)).all(),
                "describing topic '" + target + "'").get(resource);
        for (String flush : List.of(TopicConfigs.FLUSH_MESSAGES, TopicConfigs.FLUSH_MS)) {
            ConfigEntry entry = targetConfigs.get(flush);
            if (entry != null && entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && entry.value() != null) {
                configs.put(flush, entry.value());
            }
        }
        return configs;
    }

    /*
     * A delay topic made by another process, or left from an earlier topic of the same name that
     * had fewer partitions: a delayed event goes to the delay partition of its target partition,
     * so there must be one.
     */
    private void requirePartitions(String name, int partitions) {
        TopicDescription d = cluster.await(cluster.admin().describeTopics(List.of(name)).allTopicNames(),
                "describing delay topic '" + name + "'").get(name);
        if (d.partitions().size() < partitions) {
            throw new StorageException("delay topic '" + name + "' has " + d.partitions().size() + " partitions, fewer than the "
                    + partitions + " of its topic; delete it (it holds the topic's pending delayed events) or add partitions");
        }
    }
}
