package io.herald.embedded.group;

import io.herald.broker.DeliveryHandler;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.topic.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Subscriptions with ordering {@code PARTITION}: consumer groups, their members, and the session
 * timeouts that evict members that went silent. The subscriptions' definitions are the
 * caller's ({@code SubscriptionCoordinator}); this class runs them. Thread-safe.
 */
public final class GroupCoordinator implements AutoCloseable {

    private final CursorStore cursors;
    private final FailureHandling failures;
    private final Map<Key, SubscriptionGroup> groups = new ConcurrentHashMap<>();
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    public GroupCoordinator(CursorStore cursors, DeliveryStateStore states, DeadLetterSink deadLetters, Clock clock,
                            RandomGenerator random) {
        this.cursors = cursors;
        this.failures = new FailureHandling(states, deadLetters, clock, random);
    }

    public Subscriber subscribe(Topic topic, String name, SubscriptionSpec definition, Duration sessionTimeout,
                                DeliveryHandler handler) {
        GroupMember member = new GroupMember(group(topic, name, definition), sessionTimeout);
        member.join();
        PushMember push = new PushMember(member, this, handler);
        open.add(push);
        push.start();
        return push;
    }

    public PullSubscriber pullSubscriber(Topic topic, String name, SubscriptionSpec definition, Duration sessionTimeout) {
        GroupMember member = new GroupMember(group(topic, name, definition), sessionTimeout);
        member.join();
        PullMember pull = new PullMember(member, this);
        open.add(pull);
        return pull;
    }

    /** The subscription's group; a changed definition replaces an idle group. */
    private SubscriptionGroup group(Topic topic, String name, SubscriptionSpec definition) {
        return groups.compute(new Key(topic.name(), name), (k, g) ->
                g != null && (g.spec().equals(definition) || !g.members().isEmpty())
                        ? g
                        : new SubscriptionGroup(topic, name, definition, cursors, failures));
    }

    /** A consumer closing: commit, leave the group, forget the handle. */
    void leave(GroupMember member, AutoCloseable handle) {
        member.leave();
        open.remove(handle);
    }

    public boolean hasMembers(String topic, String name) {
        SubscriptionGroup g = groups.get(new Key(topic, name));
        return g != null && !g.members().isEmpty();
    }

    public List<String> members(String topic, String name) {
        SubscriptionGroup g = groups.get(new Key(topic, name));
        return g == null ? List.of() : g.members().stream().map(GroupMember::id).toList();
    }

    /** Which member holds (or is to hold) each partition. */
    public Map<Integer, String> owners(String topic, String name) {
        SubscriptionGroup g = groups.get(new Key(topic, name));
        return g == null ? Map.of() : g.owners();
    }

    /** The stats of a running group, if this process runs one for the subscription. */
    public java.util.Optional<SubscriptionInfo.Stats> stats(String topic, String name, long deadLettered) {
        SubscriptionGroup g = groups.get(new Key(topic, name));
        return g == null ? java.util.Optional.empty() : java.util.Optional.of(g.stats(deadLettered));
    }

    /** Moves the cursors of an idle subscription. */
    public void reset(Topic topic, String name, SubscriptionSpec definition, StartPosition to) {
        group(topic, name, definition).reset(to);
    }

    /** Dead letters were redriven to the subscription: its members deliver them before going on. */
    public void redriven(String topic, String name) {
        SubscriptionGroup g = groups.get(new Key(topic, name));
        if (g != null) {
            g.redriven();
        }
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

    /** Forgets an idle subscription's group. */
    public void remove(String topic, String name) {
        SubscriptionGroup g = groups.remove(new Key(topic, name));
        if (g != null) {
            g.close();
        }
    }

    /** Stops the consumers of a topic that is being deleted. */
    public void topicDeleted(String topicName) {
        groups.entrySet().removeIf(e -> {
            if (e.getKey().topic().equals(topicName)) {
                e.getValue().close();
                return true;
            }
            return false;
        });
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
