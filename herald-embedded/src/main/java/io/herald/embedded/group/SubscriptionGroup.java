package io.herald.embedded.group;

import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionActiveException;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.embedded.deadletter.DeadLetterIntents;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.stats.AckRate;
import io.herald.embedded.topic.Partition;
import io.herald.embedded.topic.Topic;
import io.herald.event.EventFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The consumers of one subscription, and which of them holds which partition.
 *
 * <p>Each membership change computes a new target owner per partition (partition {@code p}
 * goes to the {@code p mod n}-th member in join order). A partition moves in two steps: its
 * holder notices at its next poll that it is no longer the target, commits what it acknowledged
 * and releases it; then the target acquires it at the cursor. So two members never read one
 * partition at once, and the new holder starts exactly where the old one's acknowledgements
 * ended. A member that stops polling for its session timeout is evicted: its partitions are
 * freed without its commit, and its late acknowledgements are ignored (fenced), so they are
 * delivered again: at least once, never skipped.
 *
 * <p>Thread-safe: one lock guards membership and holdings.
 */
final class SubscriptionGroup {

    private final Topic topic;
    private final String name;
    private final SubscriptionSpec spec;
    private final CursorStore cursors;
    private final FailureHandling failures;
    private final EventFilter filter;
    private final String deadLetterTopic;
    private final DeadLetterIntents intents;
    private final AtomicInteger redriveGeneration = new AtomicInteger();
    private final AckRate ackRate;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final GroupMember[] target;
    private final GroupMember[] holder;
    private boolean closed;

    SubscriptionGroup(Topic topic, String name, SubscriptionSpec spec, CursorStore cursors, FailureHandling failures) {
        this.topic = topic;
        this.name = name;
        this.spec = spec;
        this.cursors = cursors;
        this.failures = failures;
        this.filter = spec.filter().map(EventFilter::compile).orElse(null);
        this.deadLetterTopic = spec.deadLetterTopicFor(topic.name(), name);
        this.intents = new DeadLetterIntents(failures.deadLetters(), failures.states(), deadLetterTopic, topic, name);
        this.ackRate = new AckRate(failures.clock());
        this.target = new GroupMember[topic.partitions().size()];
        this.holder = new GroupMember[topic.partitions().size()];
    }

    Topic topic() {
        return topic;
    }

    String name() {
        return name;
    }

    SubscriptionSpec spec() {
        return spec;
    }

    /** The subscription's filter, or null when it takes every event. */
    EventFilter filter() {
        return filter;
    }

    String deadLetterTopic() {
        return deadLetterTopic;
    }

    DeadLetterIntents intents() {
        return intents;
    }

    FailureHandling failures() {
        return failures;
    }

    void join(GroupMember member) {
        lock.lock();
        try {
            if (closed) {
                throw new io.herald.broker.TopicNotFoundException(topic.name());
            }
            members.put(member.id(), member);
            rebalance();
        } finally {
            lock.unlock();
        }
    }

    /** A member leaving on purpose, after committing. */
    void leave(GroupMember member) {
        lock.lock();
        try {
            if (members.remove(member.id()) != null) {
                freeHoldingsOf(member);
                rebalance();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A member presumed dead: its holdings are freed without its commit. */
    void evict(GroupMember member) {
        lock.lock();
        try {
            if (members.remove(member.id()) != null) {
                member.markEvicted();
                freeHoldingsOf(member);
                rebalance();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isMember(GroupMember member) {
        lock.lock();
        try {
            return members.get(member.id()) == member;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    List<GroupMember> members() {
        lock.lock();
        try {
            return List.copyOf(members.values());
        } finally {
            lock.unlock();
        }
    }

    private void freeHoldingsOf(GroupMember member) {
        for (int p = 0; p < holder.length; p++) {
            if (holder[p] == member) {
                holder[p] = null;
            }
        }
    }

    private void rebalance() {
        List<GroupMember> list = new ArrayList<>(members.values());
        for (int p = 0; p < target.length; p++) {
            target[p] = list.isEmpty() ? null : list.get(p % list.size());
        }
        list.forEach(GroupMember::wake);
    }

    boolean isTarget(int partition, GroupMember member) {
        lock.lock();
        try {
            return target[partition] == member;
        } finally {
            lock.unlock();
        }
    }

    /** Hands the member the free partitions targeted at it, each with the cursor to start from. */
    List<Claim> acquire(GroupMember member) {
        lock.lock();
        try {
            List<Claim> claims = new ArrayList<>();
            for (int p = 0; p < target.length; p++) {
                if (target[p] == member && holder[p] == null && !closed) {
                    holder[p] = member;
                    Partition partition = topic.partition(p);
                    Claim claim = new Claim(this, partition, cursorOf(partition),
                            failures.states().states(topic.name(), name, p));
                    loadRedrives(claim);
                    claims.add(claim);
                }
            }
            return claims;
        } finally {
            lock.unlock();
        }
    }

    /** Gives the partition back; its target may take it. */
    void release(GroupMember member, int partition) {
        GroupMember next;
        lock.lock();
        try {
            if (holder[partition] != member) {
                return;
            }
            holder[partition] = null;
            next = target[partition];
        } finally {
            lock.unlock();
        }
        if (next != null) {
            next.wake();
        }
    }

    /** Moves the cursor if the member still holds the partition; a fenced (evicted or moved-on) member's commit is dropped. */
    boolean commit(GroupMember member, int partition, long offset) {
        lock.lock();
        try {
            if (holder[partition] != member || closed) {
                return false;
            }
            cursors.commit(topic.name(), name, partition, offset);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private long cursorOf(Partition partition) {
        var committed = cursors.cursor(topic.name(), name, partition.index());
        return committed.isPresent() ? committed.getAsLong() : partition.offsetFor(spec.start());
    }

    /** Moves every cursor; only while no member is active. */
    void reset(StartPosition to) {
        lock.lock();
        try {
            requireNoMembers("reset");
            for (Partition partition : topic.partitions()) {
                cursors.commit(topic.name(), name, partition.index(), partition.offsetFor(to));
            }
        } finally {
            lock.unlock();
        }
        cursors.flush().join();
    }

    void requireNoMembers(String operation) {
        lock.lock();
        try {
            if (!members.isEmpty()) {
                throw new SubscriptionActiveException(topic.name(), name, operation, List.copyOf(members.keySet()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Which member holds (or is to hold) each partition. */
    Map<Integer, String> owners() {
        lock.lock();
        try {
            Map<Integer, String> owners = new java.util.TreeMap<>();
            for (int p = 0; p < target.length; p++) {
                GroupMember owner = holder[p] != null ? holder[p] : target[p];
                if (owner != null) {
                    owners.put(p, owner.id());
                }
            }
            return owners;
        } finally {
            lock.unlock();
        }
    }

    /** Events delivered and not yet acknowledged, and failed ones waiting for a retry, over the members' claims. */
    SubscriptionInfo.Stats stats(long deadLettered) {
        long leased = 0;
        long retrying = 0;
        for (GroupMember m : members()) {
            for (Claim c : m.claims()) {
                leased += c.outstanding();
                retrying += c.retrying();
            }
        }
        long redriving = failures.states().redrives(topic.name(), name).size();
        return new SubscriptionInfo.Stats(leased, retrying, deadLettered, redriving, ackRate.perSecond());
    }

    void acked() {
        ackRate.record();
    }

    // ---- redrives

    int redriveGeneration() {
        return redriveGeneration.get();
    }

    /** Dead letters were redriven: every member loads them into its claims at its next poll. */
    void redriven() {
        redriveGeneration.incrementAndGet();
        wakeMembers();
    }

    /** Something a waiting member may be waiting for happened (a claim may go on). */
    void wakeMembers() {
        members().forEach(GroupMember::wake);
    }

    /** Gives a claim the redriven dead letters whose events came from its partition. */
    void loadRedrives(Claim claim) {
        for (DeliveryStateStore.Redrive r : failures.states().redrives(topic.name(), name)) {
            var stored = failures.deadLetters().read(r.deadLetterTopic(), new Position(r.partition(), r.offset()));
            if (stored.isEmpty()) {
                failures.states().removeRedrive(topic.name(), name, r.deadLetterTopic(), r.partition(), r.offset());
                continue;
            }
            var deadLetter = DeadLetterFormat.read(stored.get());
            if (deadLetter.isPresent() && deadLetter.get().originalPosition().partition() == claim.index()) {
                claim.redrive(new Claim.Redriven(r, new StoredEvent(topic.name(), stored.get().position(),
                        stored.get().appendTime(), deadLetter.get().event())));
            }
        }
    }

    /** The topic is gone or the broker closes: every member stops. */
    void close() {
        List<GroupMember> all;
        lock.lock();
        try {
            closed = true;
            all = List.copyOf(members.values());
        } finally {
            lock.unlock();
        }
        all.forEach(GroupMember::terminate);
    }
}
