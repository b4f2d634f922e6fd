package io.herald.kafka.dispatch;

import io.herald.broker.DeliveryHandler;
import io.herald.broker.SubscriptionSpec;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.cluster.InternalProducer;
import io.herald.kafka.failure.FailureLog;
import io.herald.kafka.group.GroupIds;
import io.herald.kafka.state.StateFollower;
import io.herald.kafka.topic.InternalTopics;
import io.herald.kafka.topic.Topics;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The engines of this process's {@code KEY} and {@code NONE} subscriptions, one per subscription:
 * the first local consumer of a subscription starts its engine, the last one to close stops it.
 * A consumer that opens a running engine with another spec gets the running one (its spec is the
 * subscription's while it runs). Thread-safe.
 */
public final class Dispatchers {

    private final Map<String, Object> clientBase;
    private final Cluster cluster;
    private final Topics topics;
    private final InternalProducer producer;
    private final Clock clock;
    private final Map<String, Shared> running = new HashMap<>();

    public Dispatchers(Map<String, Object> clientBase, Cluster cluster, Topics topics, InternalProducer producer, Clock clock) {
        this.clientBase = clientBase;
        this.clock = clock;
        this.cluster = cluster;
        this.topics = topics;
        this.producer = producer;
    }

    public QueuePushSubscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler,
                                         Runnable onClose) {
        Dispatcher engine = attach(topic, subscription, spec);
        return new QueuePushSubscriber(engine, handler, spec.concurrency(), () -> {
            detach(engine);
            onClose.run();
        });
    }

    public QueuePullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec, Runnable onClose) {
        Dispatcher engine = attach(topic, subscription, spec);
        return new QueuePullSubscriber(engine, () -> {
            detach(engine);
            onClose.run();
        });
    }

    /**
     * The leases this process's engine of the subscription holds now; 0 if it runs none. Leases
     * live in the process that holds them (Kafka stores none), so this counts only this process's.
     */
    public synchronized long leased(String topic, String subscription) {
        Shared shared = running.get(GroupIds.of(topic, subscription));
        return shared == null || !shared.engine.isRunning() ? 0 : shared.engine.leased();
    }

    /** Where a subscription's failures go: its state topic and its dead-letter topic. */
    public FailureLog failureLog(String topic, String subscription, SubscriptionSpec spec) {
        return new FailureLog(producer, topics, cluster, clientBase, topic, subscription, spec.deadLetterTopicFor(topic, subscription));
    }

    /** A reader of the subscription's state partitions, for a member of its consumer group. */
    public StateFollower stateFollower(String topic, String subscription) {
        return new StateFollower(clientBase, InternalTopics.subscriptionState(topic, subscription), cluster.timeout(),
                cluster.bootstrapServers());
    }

    private synchronized Dispatcher attach(String topic, String subscription, SubscriptionSpec spec) {
        String id = GroupIds.of(topic, subscription);
        Shared shared = running.get(id);
        if (shared == null || !shared.engine.isRunning()) {
            FailureLog failures = failureLog(topic, subscription, spec);
            shared = new Shared(new Dispatcher(clientBase, cluster.timeout(), cluster.bootstrapServers(), topic, subscription, spec, failures, clock));
            running.put(id, shared);
        }
        shared.users++;
        return shared.engine;
    }

    private void detach(Dispatcher engine) {
        boolean last;
        synchronized (this) {
            String id = GroupIds.of(engine.topic(), engine.subscription());
            Shared shared = running.get(id);
            if (shared == null || shared.engine != engine) {
                return;
            }
            last = --shared.users == 0;
            if (last) {
                running.remove(id);
            }
        }
        if (last) {
            engine.close();
        }
    }

    private static final class Shared {
        final Dispatcher engine;
        int users;

        Shared(Dispatcher engine) {
            this.engine = engine;
        }
    }
}
