package io.herald.kafka.deadletter;

import io.herald.broker.DeadLetterSelector;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.cluster.InternalProducer;
import io.herald.kafka.publish.Publisher;
import io.herald.kafka.state.StateRecord;
import io.herald.kafka.state.StateTopicReader;
import io.herald.kafka.state.StateTopics;
import io.herald.kafka.topic.Topics;
import java.util.Map;

/**
 * Opens the dead-letter queues of subscriptions on one cluster, and tells the part of a
 * subscription's {@link SubscriptionInfo.Stats} that Kafka holds (its queue, its state topic).
 * Shares the broker's clients; a queue opens its own short-lived consumers. Thread-safe.
 */
public final class DeadLetterQueues {

    private final Cluster cluster;
    private final Map<String, Object> clientBase;
    private final Topics topics;
    /** Redrives to a topic: they are publishes like the user's. */
    private final Publisher publisher;
    /** State facts (Redrive, Resolved, the end of a Park): the same producer as the engines' facts. */
    private final InternalProducer internal;
    private final StateTopics stateTopics;

    public DeadLetterQueues(Cluster cluster, Map<String, Object> clientBase, Topics topics, Publisher publisher, InternalProducer internal,
                            StateTopics stateTopics) {
        this.cluster = cluster;
        this.clientBase = Map.copyOf(clientBase);
        this.topics = topics;
        this.publisher = publisher;
        this.internal = internal;
        this.stateTopics = stateTopics;
    }

    /** The queue of a subscription whose spec (as its cursor's commit metadata says) is {@code spec}. */
    public KafkaDeadLetterQueue open(String topic, String subscription, SubscriptionSpec spec) {
        return new KafkaDeadLetterQueue(this, topic, subscription, spec.deadLetterTopicFor(topic, subscription));
    }

    /**
     * What the subscription is doing, as far as Kafka shows it to any process.
     * <ul>
     *   <li>{@code deadLettered}: its unresolved dead letters;
     *   <li>{@code retrying}: live {@link StateRecord.Retry} facts, those about the topic only at or
     *       above their partition's committed offset (below it, the event is acked for good and
     *       the fact a leftover);
     *   <li>{@code redriving}: live {@link StateRecord.Redrive} facts;
     *   <li>{@code leased} and {@code ackedPerSecond}: 0. Leases live in the members that hold
     *       them, in whichever process (the broker adds the leases of its own engines), and an ack
     *       rate needs two readings of the committed offsets over time; neither is in Kafka for
     *       one call to read.
     * </ul>
     *
     * @param committed the committed offset of each partition of {@code topic}
     */
    public SubscriptionInfo.Stats stats(String topic, String subscription, SubscriptionSpec spec, Map<Integer, Long> committed) {
        KafkaDeadLetterQueue queue = open(topic, subscription, spec);
        try (StateTopicReader reader = reader()) {
            Map<String, StateRecord> facts = queue.facts(reader);
            return new SubscriptionInfo.Stats(0, retrying(facts, committed), queue.count(reader, DeadLetterSelector.all(), facts),
                    facts.values().stream().filter(f -> f instanceof StateRecord.Redrive).count(), 0);
        }
    }

    private static long retrying(Map<String, StateRecord> facts, Map<Integer, Long> committed) {
        long retrying = 0;
        for (StateRecord fact : facts.values()) {
            if (fact instanceof StateRecord.Retry r
                    && (r.source() == StateRecord.Source.REDRIVE || r.offset() >= committed.getOrDefault(r.partition(), 0L))) {
                retrying++;
            }
        }
        return retrying;
    }

    StateTopicReader reader() {
        return new StateTopicReader(cluster, clientBase);
    }

    Topics topics() {
        return topics;
    }

    Publisher publisher() {
        return publisher;
    }

    InternalProducer internal() {
        return internal;
    }

    StateTopics stateTopics() {
        return stateTopics;
    }
}
