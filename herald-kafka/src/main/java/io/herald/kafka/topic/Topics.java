package io.herald.kafka.topic;

import io.herald.ClusterUnreachableException;
import io.herald.broker.Names;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import io.herald.kafka.cluster.Cluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Herald topics as Kafka topics: create, list, describe, delete, and the partition counts the
 * publisher needs (cached; a topic's partition count is fixed at creation in Herald). Names starting
 * with {@code __} are Kafka's and Herald's internal topics and are never listed. Thread-safe.
 */
public final class Topics {

    private final Cluster cluster;
    private final short replicationFactor;
    private final int maxEventBytes;
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();

    public Topics(Cluster cluster, short replicationFactor, int maxEventBytes) {
        this.cluster = cluster;
        this.replicationFactor = replicationFactor;
        this.maxEventBytes = maxEventBytes;
    }

    public TopicInfo create(String name, TopicSpec spec) {
        Names.requireValidTopic(name);
        NewTopic topic = new NewTopic(name, spec.partitions(), replicationFactor).configs(TopicConfigs.of(spec, maxEventBytes));
        try {
            cluster.await(cluster.admin().createTopics(List.of(topic)).all(), "creating topic '" + name + "'");
        } catch (org.apache.kafka.common.errors.TopicExistsException e) {
            throw new TopicExistsException(name);
        } catch (InvalidConfigurationException | InvalidPartitionsException
                 | PolicyViolationException e) {
            throw new InvalidSpecException("Kafka refused topic '" + name + "' with " + spec + ": " + e.getMessage());
        }
        awaitVisible(name, spec.partitions());
        partitionCounts.put(name, spec.partitions());
        List<TopicInfo.PartitionInfo> partitions = new ArrayList<>();
        for (int p = 0; p < spec.partitions(); p++) {
            partitions.add(new TopicInfo.PartitionInfo(p, 0, 0, 0));
        }
        return new TopicInfo(name, spec, partitions);
    }

    public List<TopicInfo> list() {
        Collection<String> names = cluster.await(cluster.admin().listTopics(new ListTopicsOptions().listInternal(false)).names(), "listing topics");
        List<String> herald = names.stream().filter(n -> !n.startsWith(Names.INTERNAL_PREFIX)).sorted().toList();
        if (herald.isEmpty()) {
            return List.of();
        }
        try {
            return describeAll(herald);
        } catch (UnknownTopicOrPartitionException e) {
            // one was deleted between the listing and the description: list again without it
            return describeAll(cluster.await(cluster.admin().listTopics().names(), "listing topics").stream()
                    .filter(n -> !n.startsWith(Names.INTERNAL_PREFIX)).sorted().toList());
        }
    }

    public TopicInfo describe(String name) {
        try {
            return describeAll(List.of(name)).getFirst();
        } catch (UnknownTopicOrPartitionException e) {
            throw new TopicNotFoundException(name);
        }
    }

    /** Deletes the topic and returns once Kafka no longer knows it, so its name is free again. */
    public void delete(String name) {
        try {
            cluster.await(cluster.admin().deleteTopics(List.of(name)).all(), "deleting topic '" + name + "'");
        } catch (UnknownTopicOrPartitionException e) {
            throw new TopicNotFoundException(name);
        } finally {
            partitionCounts.remove(name);
        }
        long deadline = System.nanoTime() + cluster.timeout().toNanos();
        while (exists(name)) {
            if (System.nanoTime() > deadline) {
                throw new ClusterUnreachableException(cluster.bootstrapServers(), "the end of the deletion of topic '" + name + "' in time", null);
            }
            pause();
        }
    }

    /** The topic's partition count; throws {@link TopicNotFoundException} when Kafka does not know it. */
    public int partitions(String name) {
        Integer cached = partitionCounts.get(name);
        if (cached != null) {
            return cached;
        }
        try {
            TopicDescription d = cluster.await(cluster.admin().describeTopics(List.of(name)).allTopicNames(), "describing topic '" + name + "'").get(name);
            partitionCounts.put(name, d.partitions().size());
            return d.partitions().size();
        } catch (UnknownTopicOrPartitionException e) {
            throw new TopicNotFoundException(name);
        }
    }

    /** Throws {@link TopicNotFoundException} unless the topic exists. */
    public void requireExists(String name) {
        partitions(name);
    }

    /** Forgets a cached partition count, after Kafka said the topic is unknown. */
    public void forget(String name) {
        partitionCounts.remove(name);
    }

    public static List<TopicPartition> partitionsOf(String topic, int count) {
        List<TopicPartition> list = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            list.add(new TopicPartition(topic, p));
        }
        return list;
    }

    private boolean exists(String name) {
        try {
            cluster.await(cluster.admin().describeTopics(List.of(name)).allTopicNames(), "describing topic '" + name + "'");
            return true;
        } catch (UnknownTopicOrPartitionException e) {
            return false;
        }
    }

    /*
     * Kafka answers a create once the controller committed it; the leaders take their partitions a
     * moment later. Producing before that is not just slow: an idempotent producer whose first batch
     * gets NOT_LEADER_OR_FOLLOWER while its second is accepted (a partition takes any first
     * sequence of an unknown producer) is stuck with OUT_OF_ORDER_SEQUENCE_NUMBER, seen here on a
     * three-partition topic. A ListOffsets answered by every leader (the Admin client retries until
     * then) means every partition is ready for writes.
     */
    private void awaitVisible(String name, int partitions) {
        long deadline = System.nanoTime() + cluster.timeout().toNanos();
        while (!exists(name) && System.nanoTime() < deadline) {
            pause();
        }
        StartOffsets.ends(cluster, partitionsOf(name, partitions));
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private List<TopicInfo> describeAll(List<String> names) {
        var admin = cluster.admin();
        Map<String, TopicDescription> descriptions = cluster.await(admin.describeTopics(names).allTopicNames(), "describing topics " + names);
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = cluster.await(admin.describeConfigs(resources).all(), "describing topic configs");
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription d : descriptions.values()) {
            for (var p : d.partitions()) {
                earliest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            }
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = cluster.await(admin.listOffsets(earliest).all(), "reading start offsets");
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = cluster.await(admin.listOffsets(latest).all(), "reading end offsets");
        Map<TopicPartition, Long> sizes = sizes();
        List<TopicInfo> infos = new ArrayList<>();
        for (String name : names) {
            TopicDescription d = descriptions.get(name);
            Map<String, String> values = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).entries().stream()
                    .filter(e -> e.value() != null)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value, (a, b) -> a));
            List<TopicInfo.PartitionInfo> partitions = new ArrayList<>();
            for (var p : d.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partition());
                partitions.add(new TopicInfo.PartitionInfo(p.partition(), starts.get(tp).offset(), ends.get(tp).offset(), sizes.getOrDefault(tp, 0L)));
            }
            partitions.sort(java.util.Comparator.comparingInt(TopicInfo.PartitionInfo::partition));
            partitionCounts.put(name, partitions.size());
            infos.add(new TopicInfo(name, TopicConfigs.spec(partitions.size(), values), partitions));
        }
        return infos;
    }

    // the bytes of each partition's largest replica, from the brokers' log directories
    private Map<TopicPartition, Long> sizes() {
        var admin = cluster.admin();
        Collection<Node> nodes = cluster.await(admin.describeCluster().nodes(), "listing brokers");
        Map<Integer, Map<String, LogDirDescription>> dirs = cluster.await(
                admin.describeLogDirs(nodes.stream().map(Node::id).toList()).allDescriptions(), "describing log directories");
        Map<TopicPartition, Long> sizes = new HashMap<>();
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            for (LogDirDescription dir : byDir.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                    sizes.merge(e.getKey(), e.getValue().size(), Math::max);
                }
            }
        }
        return sizes;
    }
}
