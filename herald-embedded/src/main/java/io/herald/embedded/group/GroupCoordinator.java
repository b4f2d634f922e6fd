package io.herald.embedded.group;

import io.herald.broker.DeliveryHandler;
import io.herald.broker.InvalidSpecException;
import io.herald.broker.Names;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.broker.SubscriptionSpec;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.MetadataStore;
import io.herald.embedded.meta.SubscriptionRecord;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions of the embedded broker: their durable definitions, their groups of
 * consumers, and the session timeouts that evict consumers that went silent. Thread-safe.
 */
public final class GroupCoordinator implements AutoCloseable {

    private final TopicRegistry topics;
    private final MetadataStore metadata;
    private final CursorStore cursors;
    private final Clock clock;
    private final Map<Key, SubscriptionGroup> groups = new ConcurrentHashMap<>();
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    public GroupCoordinator(TopicRegistry topics, MetadataStore metadata, CursorStore cursors, Clock clock) {
        this.topics = topics;
        this.metadata = metadata;
        this.cursors = cursors;
        this.clock = clock;
    }

    public Subscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        java.util.Objects.requireNonNull(handler, "handler");
        GroupMember member = new GroupMember(groupFor(topic, subscription, spec), spec.sessionTimeout());
        member.join();
        PushMember push = new PushMember(member, this, handler);
        open.add(push);
        push.start();
        return push;
    }

    public PullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        GroupMember member = new GroupMember(groupFor(topic, subscription, spec), spec.sessionTimeout());
        member.join();
        PullMember pull = new PullMember(member, this);
        open.add(pull);
        return pull;
    }

    /** The subscription's group, creating the subscription (durably, cursors included) if it is new. */
    private synchronized SubscriptionGroup groupFor(String topicName, String name, SubscriptionSpec spec) {
        Names.requireValidSubscription(name);
        Topic topic = topics.get(topicName);
        if (spec.ordering() != Ordering.PARTITION) {
            throw new InvalidSpecException("ordering " + spec.ordering() + " is not available on the embedded "
                    + "backend yet; use ordering PARTITION");
        }
        var existing = metadata.subscription(topicName, name);
        if (existing.isPresent()) {
            Ordering stored = Ordering.valueOf(existing.get().ordering());
            if (stored != spec.ordering()) {
                throw new InvalidSpecException("subscription '" + name + "' on topic '" + topicName + "' has ordering "
                        + stored + "; a consumer cannot join it with ordering " + spec.ordering());
            }
            return groups.computeIfAbsent(new Key(topicName, name),
                    k -> new SubscriptionGroup(topic, name, existing.get().toSpec(), cursors));
        }
        metadata.createSubscription(SubscriptionRecord.of(topicName, name, spec, clock.millis()));
        SubscriptionGroup group = new SubscriptionGroup(topic, name, spec, cursors);
        group.initializeCursors();
        groups.put(new Key(topicName, name), group);
        return group;
    }

    /** The group of an existing subscription, which may have no consumers in this process. */
    private synchronized SubscriptionGroup existingGroup(String topicName, String name) {
        Topic topic = topics.get(topicName);
        SubscriptionGroup group = groups.get(new Key(topicName, name));
        if (group != null) {
            return group;
        }
        SubscriptionRecord record = metadata.subscription(topicName, name)
                .orElseThrow(() -> new SubscriptionNotFoundException(topicName, name));
        return groups.computeIfAbsent(new Key(topicName, name), k -> new SubscriptionGroup(topic, name, record.toSpec(), cursors));
    }

    /** A consumer closing: commit, leave the group, forget the handle. */
    void leave(GroupMember member, AutoCloseable handle) {
        member.leave();
        open.remove(handle);
    }

    /** Evicts every consumer that has been silent for longer than its session timeout. */
    public void expireSilentMembers() {
        long now = System.nanoTime();
        for (SubscriptionGroup group : groups.values()) {
            for (GroupMember member : group.members()) {
                if (member.isExpired(now)) {
                    group.evict(member);
                }
            }
        }
    }

    public List<SubscriptionInfo> list(String topicName) {
        topics.get(topicName);
        List<SubscriptionInfo> infos = new ArrayList<>();
        for (SubscriptionRecord record : metadata.subscriptions(topicName)) {
            infos.add(existingGroup(topicName, record.name()).info());
        }
        return infos;
    }

    public SubscriptionInfo describe(String topicName, String name) {
        return existingGroup(topicName, name).info();
    }

    public void reset(String topicName, String name, StartPosition to) {
        existingGroup(topicName, name).reset(to);
    }

    public synchronized void delete(String topicName, String name) {
        SubscriptionGroup group = existingGroup(topicName, name);
        group.requireNoMembers("delete");
        metadata.deleteSubscription(topicName, name);
        cursors.forget(topicName, name);
        groups.remove(new Key(topicName, name));
    }

    /** Stops the consumers of a topic that is being deleted and forgets its cursors. */
    public synchronized void topicDeleted(String topicName) {
        groups.entrySet().removeIf(e -> {
            if (e.getKey().topic().equals(topicName)) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        cursors.forget(topicName, null);
    }

    /** Closes every consumer (push consumers finish their current event and commit), then stops the groups. */
    @Override
    public void close() {
        for (AutoCloseable handle : List.copyOf(open)) {
            try {
                handle.close();
            } catch (Exception e) {
                // closing the rest matters more than this one's failure
            }
        }
        groups.values().forEach(SubscriptionGroup::close);
        groups.clear();
    }

    private record Key(String topic, String subscription) {
    }
}
