package io.herald.kafka.state;

import io.herald.ClusterUnreachableException;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.topic.InternalTopics;
import io.herald.kafka.topic.StartOffsets;
import io.herald.kafka.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The state topics of subscriptions ({@link InternalTopics#subscriptionState}) as Kafka holds
 * them: compacted, one partition per partition of the subscription's topic. Whoever writes a fact
 * first makes the topic, so a state topic never has to exist before it holds something; two
 * processes making it at once are both fine (Kafka keeps the first, the other sees it exists).
 *
 * <p>Partition counts are asked of Kafka every time, not cached: a subscription's state topic
 * goes with the subscription, and may come back with it. Thread-safe.
 */
public final class StateTopics {

    private final Cluster cluster;
    private final short replicationFactor;

    public StateTopics(Cluster cluster, short replicationFactor) {
        this.cluster = cluster;
        this.replicationFactor = replicationFactor;
    }

    /** The partition count Kafka has for {@code topic} now (any topic), or empty if it has none. */
    public Optional<Integer> partitionsOf(String topic) {
        try {
            Map<String, TopicDescription> d = cluster.await(cluster.admin().describeTopics(List.of(topic)).allTopicNames(),
                    "describing topic '" + topic + "'");
            return Optional.of(d.get(topic).partitions().size());
        } catch (UnknownTopicOrPartitionException e) {
            return Optional.empty();
        }
    }

    /**
     * The state topic of the subscription, made now if it is missing with {@code partitions}
     * partitions (its topic's), and ready for writes; returns its partition count.
     */
    public int ensure(String topic, String subscription, int partitions) {
        String name = InternalTopics.subscriptionState(topic, subscription);
        Optional<Integer> existing = partitionsOf(name);
        if (existing.isPresent()) {
            // it may be a moment old, made by a parallel subscribe or purge: its leaders must answer
            // before anything is written (see awaitWritable); ListOffsets waits for them
            StartOffsets.ends(cluster, Topics.partitionsOf(name, existing.get()));
            return existing.get();
        }
        NewTopic state = new NewTopic(name, partitions, replicationFactor).configs(Map.of("cleanup.policy", "compact"));
        try {
            cluster.await(cluster.admin().createTopics(List.of(state)).all(), "creating the state topic '" + name + "'");
        } catch (TopicExistsException e) {
            // made at the same moment by another writer: theirs is as good
        }
        awaitWritable(name);
        return partitionsOf(name).orElseThrow(() -> new IllegalStateException("state topic '" + name + "' vanished as it was made"));
    }

    /*
     * As for user topics (see Topics): Kafka answers a create before the leaders have their
     * partitions, and an idempotent producer's first batch refused with NOT_LEADER while a later
     * one is taken leaves it stuck. Leaders answering ListOffsets means the partitions take writes.
     */
    private void awaitWritable(String name) {
        long deadline = System.nanoTime() + cluster.timeout().toNanos();
        Optional<Integer> partitions;
        while ((partitions = partitionsOf(name)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new ClusterUnreachableException(cluster.bootstrapServers(), "with the new state topic '" + name + "' in time", null);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterUnreachableException(cluster.bootstrapServers(), "with the new state topic '" + name + "' (interrupted)", e);
            }
        }
        StartOffsets.ends(cluster, Topics.partitionsOf(name, partitions.get()));
    }
}
