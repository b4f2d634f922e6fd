package io.herald.embedded.subscription;

import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Names;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionActiveException;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.broker.SubscriptionSpec;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.deadletter.EmbeddedDeadLetterQueue;
import io.herald.embedded.dispatch.Dispatcher;
import io.herald.embedded.dispatch.QueuePullConsumer;
import io.herald.embedded.dispatch.QueuePushConsumer;
import io.herald.embedded.group.GroupCoordinator;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.meta.MetadataStore;
import io.herald.embedded.meta.SubscriptionRecord;
import io.herald.embedded.topic.Partition;
import io.herald.log.CorruptLogException;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * The subscriptions of the embedded broker: their durable definitions, and the engine that
 * runs each — consumer groups for ordering {@code PARTITION} ({@link GroupCoordinator}), a
 * {@link Dispatcher} for {@code KEY} and {@code NONE} — and their dead letters.
 *
 * <p>A subscription is created by its first consumer. A later consumer with a different
 * definition (ordering, filter, retry policy, dead-letter topic, lease) replaces it while the
 * subscription has no consumers in this process, and is refused while it has some; per-consumer
 * settings (session timeout, concurrency) and the start position of an existing subscription
 * do not count. Thread-safe.
 */
public final class SubscriptionCoordinator implements AutoCloseable {

    private static final AtomicLong PUSH_IDS = new AtomicLong();

    private final TopicRegistry topics;
    private final MetadataStore metadata;
    private final CursorStore cursors;
    private final DeliveryStateStore states;
    private final DeadLetterSink deadLetters;
    private final Clock clock;
    private final RandomGenerator random;
    private final GroupCoordinator groups;
    private final Map<Key, Dispatcher> dispatchers = new ConcurrentHashMap<>();
    private final Map<Key, Set<AutoCloseable>> queueConsumers = new ConcurrentHashMap<>();

    public SubscriptionCoordinator(TopicRegistry topics, MetadataStore metadata, CursorStore cursors,
                                   DeliveryStateStore states, Clock clock, RandomGenerator random) {
        this.topics = topics;
        this.metadata = metadata;
        this.cursors = cursors;
        this.states = states;
        this.deadLetters = new DeadLetterSink(topics);
        this.clock = clock;
        this.random = random;
        this.groups = new GroupCoordinator(cursors, states, deadLetters, clock, random);
    }

    // ---- consumers

    public Subscriber subscribe(String topicName, String name, SubscriptionSpec spec, DeliveryHandler handler) {
        Objects.requireNonNull(handler, "handler");
        synchronized (this) {
            Topic topic = topics.get(topicName);
            SubscriptionSpec definition = define(topic, name, spec);
            if (definition.ordering() == Ordering.PARTITION) {
                return groups.subscribe(topic, name, definition, spec.sessionTimeout(), handler);
            }
            Key key = new Key(topicName, name);
            QueuePushConsumer consumer = new QueuePushConsumer(dispatcher(topic, name, definition), topicName,
                    topic.partitions().size(), "push-" + PUSH_IDS.incrementAndGet(), spec.concurrency(), handler,
                    c -> consumers(key).remove(c));
            consumers(key).add(consumer);
            consumer.start();
            return consumer;
        }
    }

    public synchronized PullSubscriber pullSubscriber(String topicName, String name, SubscriptionSpec spec) {
        Topic topic = topics.get(topicName);
        SubscriptionSpec definition = define(topic, name, spec);
        if (definition.ordering() == Ordering.PARTITION) {
            return groups.pullSubscriber(topic, name, definition, spec.sessionTimeout());
        }
        Key key = new Key(topicName, name);
        QueuePullConsumer consumer = new QueuePullConsumer(dispatcher(topic, name, definition), topicName,
                topic.partitions().size(), c -> consumers(key).remove(c));
        consumers(key).add(consumer);
        return consumer;
    }

    /**
     * The subscription's definition: created (with its cursors and its dead-letter topic) if new,
     * replaced if the consumer brings another one and none is connected, refused if some are.
     */
    private SubscriptionSpec define(Topic topic, String name, SubscriptionSpec spec) {
        Names.requireValidSubscription(name);
        Optional<SubscriptionRecord> existing = metadata.subscription(topic.name(), name);
        if (existing.isPresent()) {
            SubscriptionSpec stored = existing.get().toSpec();
            if (stored.definesSameAs(spec, topic.name(), name)) {
                return stored;
            }
            if (isActive(topic.name(), name)) {
                throw SubscriptionSpec.inUseWithAnotherDefinition(topic.name(), name, stored, spec);
            }
            retire(topic.name(), name);
            SubscriptionSpec replaced = spec.startAt(stored.start());
            metadata.createSubscription(SubscriptionRecord.of(topic.name(), name, replaced, existing.get().createdAt()));
            deadLetters.ensureTopic(replaced.deadLetterTopicFor(topic.name(), name), topic);
            return replaced;
        }
        deadLetters.ensureTopic(spec.deadLetterTopicFor(topic.name(), name), topic);
        metadata.createSubscription(SubscriptionRecord.of(topic.name(), name, spec, clock.millis()));
        for (Partition partition : topic.partitions()) {
            if (cursors.cursor(topic.name(), name, partition.index()).isEmpty()) {
                cursors.commit(topic.name(), name, partition.index(), partition.offsetFor(spec.start()));
            }
        }
        cursors.flush().join();
        return spec;
    }

    private Dispatcher dispatcher(Topic topic, String name, SubscriptionSpec definition) {
        return dispatchers.computeIfAbsent(new Key(topic.name(), name),
                k -> new Dispatcher(topic, name, definition, cursors, states, deadLetters, clock, random));
    }

    private Set<AutoCloseable> consumers(Key key) {
        return queueConsumers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
    }

    private boolean isActive(String topic, String name) {
        return groups.hasMembers(topic, name) || !consumers(new Key(topic, name)).isEmpty();
    }

    private List<String> members(String topic, String name) {
        Dispatcher d = dispatchers.get(new Key(topic, name));
        List<String> members = new ArrayList<>(groups.members(topic, name));
        if (d != null) {
            members.addAll(d.members());
        }
        return members;
    }

    /** Stops the engine of an idle subscription, so the next consumer starts it from the durable state. */
    private void retire(String topic, String name) {
        Dispatcher d = dispatchers.remove(new Key(topic, name));
        if (d != null) {
            d.close();
        }
        groups.remove(topic, name);
    }

    private void requireIdle(String topic, String name, String operation) {
        if (isActive(topic, name)) {
            throw new SubscriptionActiveException(topic, name, operation, members(topic, name));
        }
    }

    // ---- subscriptions

    public List<SubscriptionInfo> list(String topicName) {
        topics.get(topicName);
        List<SubscriptionInfo> infos = new ArrayList<>();
        for (SubscriptionRecord record : metadata.subscriptions(topicName)) {
            infos.add(describe(topicName, record.name()));
        }
        return infos;
    }

    public SubscriptionInfo describe(String topicName, String name) {
        Topic topic = topics.get(topicName);
        SubscriptionSpec spec = definition(topicName, name);
        Key key = new Key(topicName, name);
        Dispatcher d = dispatchers.get(key);
        Map<Integer, String> owners = groups.owners(topicName, name);
        List<SubscriptionInfo.PartitionCursor> list = new ArrayList<>();
        for (Partition partition : topic.partitions()) {
            int p = partition.index();
            long committed = d != null ? d.cursor(p) : cursors.cursor(topicName, name, p).orElse(partition.log().startOffset());
            long end = partition.log().endOffset();
            Optional<String> damage = partition.log().damage().stream()
                    .filter(e -> e.resumeOffset().orElse(Long.MAX_VALUE) > committed && e.firstOffset() < end)
                    .findFirst().map(CorruptLogException::getMessage);
            list.add(new SubscriptionInfo.PartitionCursor(p, committed, end, Optional.ofNullable(owners.get(p)), damage));
        }
        long deadLettered = deadLetters(topicName, name).count(DeadLetterSelector.all());
        SubscriptionInfo.Stats stats = d != null ? d.stats(deadLettered)
                : groups.stats(topicName, name, deadLettered).orElseGet(() -> new SubscriptionInfo.Stats(0,
                        states.retrying(topicName, name), deadLettered, states.redrives(topicName, name).size(), 0));
        return new SubscriptionInfo(topicName, name, spec, members(topicName, name), list, stats);
    }

    private SubscriptionSpec definition(String topic, String name) {
        return metadata.subscription(topic, name).orElseThrow(() -> new SubscriptionNotFoundException(topic, name)).toSpec();
    }

    public synchronized void reset(String topicName, String name, StartPosition to) {
        Topic topic = topics.get(topicName);
        SubscriptionSpec spec = definition(topicName, name);
        requireIdle(topicName, name, "reset");
        retire(topicName, name);
        for (Partition partition : topic.partitions()) {
            long offset = partition.offsetFor(to);
            cursors.commit(topicName, name, partition.index(), offset);
            states.forgetBelow(topicName, name, partition.index(), Long.MAX_VALUE);
        }
        cursors.flush().join();
        states.flush().join();
        if (spec.ordering() == Ordering.PARTITION) {
            groups.remove(topicName, name);
        }
    }

    public synchronized void delete(String topicName, String name) {
        topics.get(topicName);
        definition(topicName, name);
        requireIdle(topicName, name, "delete");
        retire(topicName, name);
        metadata.deleteSubscription(topicName, name);
        cursors.forget(topicName, name);
        states.forgetSubscription(topicName, name);
        states.flush().join();
    }

    public DeadLetterQueue deadLetters(String topicName, String name) {
        topics.get(topicName);
        SubscriptionSpec spec = definition(topicName, name);
        return new EmbeddedDeadLetterQueue(topicName, name, spec.deadLetterTopicFor(topicName, name), topics, states,
                new EmbeddedDeadLetterQueue.Listener() {
                    @Override
                    public void redriven() {
                        Dispatcher d = dispatchers.get(new Key(topicName, name));
                        if (d != null) {
                            d.loadRedrives();
                        }
                        groups.redriven(topicName, name);
                    }

                    @Override
                    public void purged(Set<String> keys) {
                        Dispatcher d = dispatchers.get(new Key(topicName, name));
                        if (d != null) {
                            keys.forEach(d::unpark);
                        } else {
                            keys.forEach(k -> states.unpark(topicName, name, k));
                        }
                    }
                });
    }

    // ---- lifecycle

    public void expireSilentMembers() {
        groups.expireSilentMembers();
    }

    /** Stops the consumers of a topic that is being deleted and forgets its cursors and delivery states. */
    public synchronized void topicDeleted(String topicName) {
        groups.topicDeleted(topicName);
        dispatchers.entrySet().removeIf(e -> {
            if (e.getKey().topic().equals(topicName)) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        queueConsumers.keySet().removeIf(k -> k.topic().equals(topicName));
        cursors.forget(topicName, null);
        states.forgetTopic(topicName);
    }

    @Override
    public void close() {
        for (Set<AutoCloseable> set : queueConsumers.values()) {
            for (AutoCloseable c : List.copyOf(set)) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing the rest matters more
                }
            }
        }
        groups.close();
        dispatchers.values().forEach(Dispatcher::close);
        dispatchers.clear();
    }

    private record Key(String topic, String subscription) {
    }
}
