package io.herald.kafka;

import io.herald.ClusterUnreachableException;
import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.AbstractBroker;
import io.herald.event.Event;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.cluster.InternalProducer;
import io.herald.kafka.deadletter.DeadLetterQueues;
import io.herald.kafka.delay.DelayedEvents;
import io.herald.kafka.dispatch.Dispatchers;
import io.herald.kafka.group.KafkaPullSubscriber;
import io.herald.kafka.group.KafkaPushSubscriber;
import io.herald.kafka.group.Subscriptions;
import io.herald.kafka.publish.Publisher;
import io.herald.kafka.read.KafkaTopicReader;
import io.herald.kafka.state.StateTopics;
import io.herald.kafka.topic.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;

/**
 * The Broker API on an Apache Kafka 4.x cluster (issue 4): topics, publishing, readers and
 * replay; {@code PARTITION} subscriptions on consumer groups (one member per subscriber), and
 * {@code KEY} and {@code NONE} subscriptions on one engine per subscription and process
 * ({@link io.herald.kafka.dispatch}), with filters, durable retry schedules and dead letters for
 * every ordering.
 *
 * <p>A {@code KafkaBroker} is a client of the cluster: closing it closes this process's clients
 * and consumers; the topics, events and cursors stay in Kafka. Thread-safe.
 */
public final class KafkaBroker extends AbstractBroker {

    private final KafkaConfig config;
    /** The time the engines decide by, handed to each so that none reads the system clock itself. */
    private final Clock clock = Clock.systemUTC();
    private final Cluster cluster;
    private final Topics topics;
    private final Publisher publisher;
    /** Delayed events: their delay topics and this process's forwarder, which runs while the broker is open. */
    private final DelayedEvents delayed;
    private final Subscriptions subscriptions;
    private final DeadLetterQueues deadLetterQueues;
    /** Retry schedules, parked keys and redrives of subscriptions: made when a subscription is opened. */
    private final StateTopics stateTopics;
    /** Writes retry schedules and dead letters, which count as acknowledged state. */
    private final InternalProducer internal;
    /** The engines of this process's KEY and NONE subscriptions. */
    private final Dispatchers dispatchers;
    /** Open consumers by topic, closed with their topic or the broker. */
    private final Map<String, Set<AutoCloseable>> consumers = new ConcurrentHashMap<>();

    private KafkaBroker(KafkaConfig config, Cluster cluster) {
        this.config = config;
        this.cluster = cluster;
        this.topics = new Topics(cluster, config.replicationFactor(), config.maxEventBytes());
        this.publisher = new Publisher(config.clientBase(), topics, config.maxEventBytes());
        this.delayed = DelayedEvents.start(config.clientBase(), cluster, topics, config.replicationFactor(), config.maxEventBytes(),
                config.releasesDelayedEvents());
        this.stateTopics = new StateTopics(cluster, config.replicationFactor());
        this.internal = new InternalProducer(config.clientBase(), config.maxEventBytes() + 64 * 1024);
        this.deadLetterQueues = new DeadLetterQueues(cluster, config.clientBase(), topics, publisher, internal, stateTopics);
        this.dispatchers = new Dispatchers(config.clientBase(), cluster, topics, internal, clock);
        // Kafka holds no lease: leased counts those of this process's engines, the process that asks
        this.subscriptions = new Subscriptions(cluster, topics, (topic, subscription, spec, committed) -> {
            SubscriptionInfo.Stats kept = deadLetterQueues.stats(topic, subscription, spec, committed);
            return new SubscriptionInfo.Stats(dispatchers.leased(topic, subscription), kept.retrying(), kept.deadLettered(),
                    kept.redriving(), kept.ackedPerSecond());
        });
    }

    /**
     * Connects to the cluster and checks that it answers within the request timeout; throws
     * {@link ClusterUnreachableException} naming the bootstrap servers otherwise.
     */
    public static KafkaBroker connect(KafkaConfig config) {
        Map<String, Object> adminProps = new HashMap<>(config.clientBase());
        int timeout = (int) config.requestTimeout().toMillis();
        adminProps.putIfAbsent("request.timeout.ms", Integer.toString(timeout));
        adminProps.putIfAbsent("default.api.timeout.ms", Integer.toString(timeout));
        Cluster cluster = new Cluster(Admin.create(adminProps), config.bootstrapServers(), config.requestTimeout());
        try {
            cluster.await(cluster.admin().describeCluster().clusterId(), "the first contact");
            return new KafkaBroker(config, cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public KafkaConfig config() {
        return config;
    }

    @Override
    protected TopicInfo doCreateTopic(String name, TopicSpec spec) {
        return topics.create(name, spec);
    }

    @Override
    protected List<TopicInfo> doListTopics() {
        return topics.list();
    }

    @Override
    protected TopicInfo doDescribeTopic(String name) {
        return topics.describe(name);
    }

    @Override
    protected void doDeleteTopic(String name) {
        topics.requireExists(name);
        closeConsumers(consumers.remove(name));
        subscriptions.deleteAll(name);
        delayed.deleteFor(name); // first: a release in flight lands in the topic that is deleted next
        topics.delete(name);
    }

    @Override
    protected CompletableFuture<Position> doPublish(String topic, Event event) {
        return publisher.publish(topic, event);
    }

    @Override
    protected CompletableFuture<List<Position>> doPublish(String topic, List<Event> events) {
        return publisher.publish(topic, events);
    }

    @Override
    protected CompletableFuture<Void> doPublishAt(String topic, List<Event> events, Instant deliverAt) {
        if (events.isEmpty()) {
            topics.requireExists(topic);
            return CompletableFuture.completedFuture(null);
        }
        if (!deliverAt.isAfter(Instant.now())) {
            return publisher.publish(topic, events).thenApply(positions -> null); // a time in the past means now
        }
        return delayed.schedule(topic, events, deliverAt);
    }

    @Override
    protected Subscriber doSubscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        prepareSubscription(topic, subscription, spec);
        Object[] self = new Object[1];
        if (spec.ordering() != Ordering.PARTITION) {
            var consumer = dispatchers.subscribe(topic, subscription, spec, handler, () -> closed(topic, subscription, self[0]));
            self[0] = consumer;
            opened(topic, subscription, consumer);
            return consumer;
        }
        KafkaPushSubscriber subscriber = new KafkaPushSubscriber(config.clientBase(), topic, subscription, spec, handler,
                dispatchers.failureLog(topic, subscription, spec), dispatchers.stateFollower(topic, subscription), clock,
                () -> closed(topic, subscription, self[0]));
        self[0] = subscriber;
        opened(topic, subscription, subscriber);
        return subscriber;
    }

    @Override
    protected PullSubscriber doPullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        prepareSubscription(topic, subscription, spec);
        Object[] self = new Object[1];
        if (spec.ordering() != Ordering.PARTITION) {
            var consumer = dispatchers.pullSubscriber(topic, subscription, spec, () -> closed(topic, subscription, self[0]));
            self[0] = consumer;
            opened(topic, subscription, consumer);
            return consumer;
        }
        KafkaPullSubscriber subscriber = new KafkaPullSubscriber(config.clientBase(), topic, subscription, spec,
                dispatchers.failureLog(topic, subscription, spec), dispatchers.stateFollower(topic, subscription), clock,
                () -> closed(topic, subscription, self[0]));
        self[0] = subscriber;
        opened(topic, subscription, subscriber);
        return subscriber;
    }

    @Override
    protected TopicReader doReader(String topic, StartPosition from) {
        int partitions = topics.partitions(topic);
        Object[] self = new Object[1];
        KafkaTopicReader reader = new KafkaTopicReader(cluster, config.clientBase(), Topics.partitionsOf(topic, partitions), from,
                () -> forget(topic, self[0]));
        self[0] = reader;
        consumers.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(reader);
        return reader;
    }

    @Override
    protected List<SubscriptionInfo> doListSubscriptions(String topic) {
        return subscriptions.list(topic);
    }

    @Override
    protected SubscriptionInfo doDescribeSubscription(String topic, String subscription) {
        return subscriptions.describe(topic, subscription);
    }

    @Override
    protected void doResetSubscription(String topic, String subscription, StartPosition to) {
        subscriptions.reset(topic, subscription, to);
    }

    @Override
    protected void doDeleteSubscription(String topic, String subscription) {
        subscriptions.delete(topic, subscription);
    }

    @Override
    protected DeadLetterQueue doDeadLetters(String topic, String subscription) {
        topics.requireExists(topic);
        return deadLetterQueues.open(topic, subscription, subscriptions.spec(topic, subscription));
    }

    @Override
    protected void doClose() {
        for (String topic : new ArrayList<>(consumers.keySet())) {
            closeConsumers(consumers.remove(topic));
        }
        delayed.close();
        publisher.close();
        internal.close(); // after the consumers: their last retry schedules and dead letters are sent
        cluster.close();
    }

    private void prepareSubscription(String topic, String subscription, SubscriptionSpec spec) {
        topics.requireExists(topic);
        spec.deadLetterTopicFor(topic, subscription); // refuses the topic itself as the dead-letter topic
        subscriptions.ensure(topic, subscription, spec);
        stateTopics.ensure(topic, subscription, topics.partitions(topic));
    }

    private <M extends AutoCloseable & io.herald.kafka.group.GroupPeer> void opened(String topic, String subscription, M member) {
        subscriptions.memberOpened(topic, subscription, member);
        consumers.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(member);
    }

    private void closed(String topic, String subscription, Object member) {
        subscriptions.memberClosed(topic, subscription, (io.herald.kafka.group.GroupPeer) member);
        forget(topic, member);
    }

    private void forget(String topic, Object consumer) {
        consumers.computeIfPresent(topic, (t, set) -> {
            set.remove(consumer);
            return set.isEmpty() ? null : set;
        });
    }

    private static void closeConsumers(Set<AutoCloseable> open) {
        if (open == null) {
            return;
        }
        for (AutoCloseable c : List.copyOf(open)) {
            try {
                c.close();
            } catch (Exception e) {
                // closing is best effort: the cluster drops a member that stops heartbeating
            }
        }
    }

    @Override
    protected String describe() {
        return "Kafka broker connection to " + config.bootstrapServers();
    }
}
