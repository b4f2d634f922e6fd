package io.herald.kafka.group;

import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionActiveException;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.broker.SubscriptionSpec;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.topic.StartOffsets;
import io.herald.kafka.topic.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Subscriptions as Kafka consumer groups (see {@link GroupIds}): the cursor of a new
 * subscription, descriptions with lag, reset and delete. A subscription exists once its group
 * has committed offsets on the topic or members; creating one commits its start offsets through
 * the Admin API at once, so "latest" means "after the subscribe call", not "after the first poll".
 *
 * <p>A subscription is active while its group has members or this process holds an open
 * subscriber of it (a member that has not joined yet still counts). Its spec travels with its
 * cursor as commit metadata ({@link CommitMetadata}): the last member that committed says how the
 * subscription is opened now. A group Herald did not make has no such metadata and is described
 * with the spec this process opened it with, or the defaults. Thread-safe.
 */
public final class Subscriptions {

    private final Cluster cluster;
    private final Topics topics;
    private final Map<String, SubscriptionSpec> specs = new ConcurrentHashMap<>();
    private final Map<String, Set<GroupPeer>> localMembers = new ConcurrentHashMap<>();
    private volatile long[] sessionBounds;
    private final StatsSource stats;

    public Subscriptions(Cluster cluster, Topics topics) {
        this(cluster, topics, (topic, subscription, spec, committed) -> SubscriptionInfo.Stats.NONE);
    }

    /** With the stats of each description read from {@code stats}. */
    public Subscriptions(Cluster cluster, Topics topics, StatsSource stats) {
        this.cluster = cluster;
        this.topics = topics;
        this.stats = stats;
    }

    /**
     * Where a description's {@link SubscriptionInfo.Stats} come from: what Kafka holds about the
     * subscription beside its cursor (its dead letters, its state topic).
     */
    @FunctionalInterface
    public interface StatsSource {
        /** @param committed the cursor of each partition of {@code topic}, as the description shows it */
        SubscriptionInfo.Stats of(String topic, String subscription, SubscriptionSpec spec, Map<Integer, Long> committed);
    }

    /** Gives the subscription its start cursor unless it has one; remembers the spec. */
    public void ensure(String topic, String subscription, SubscriptionSpec spec) {
        requireSessionTimeoutAllowed(spec);
        String group = GroupIds.of(topic, subscription);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group, topic);
        if (!committed.isEmpty()) {
            redefineIfChanged(topic, subscription, group, committed, spec);
            specs.put(group, spec);
            return;
        }
        specs.put(group, spec);
        List<TopicPartition> partitions = Topics.partitionsOf(topic, topics.partitions(topic));
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        String metadata = CommitMetadata.of(spec);
        StartOffsets.resolve(cluster, partitions, spec.start()).forEach((tp, offset) -> start.put(tp, new OffsetAndMetadata(offset, metadata)));
        try {
            cluster.await(cluster.admin().alterConsumerGroupOffsets(group, start).all(), "creating subscription '" + subscription + "'");
        } catch (UnknownMemberIdException | GroupNotEmptyException e) {
            // another process created it and joined first: its cursor stands
        }
    }

    /**
     * A consumer that brings another definition of an existing subscription replaces it while no
     * consumer is active (its cursor, and the offsets finished above it, stay), and is refused
     * while one is — as on the embedded backend. The spec lives in the commit metadata, so it is
     * written there at once: otherwise only this process would know it until its first commit.
     */
    private void redefineIfChanged(String topic, String subscription, String group, Map<TopicPartition, OffsetAndMetadata> committed,
                                   SubscriptionSpec spec) {
        Optional<SubscriptionSpec> stored = committed.values().stream().map(o -> CommitMetadata.parse(o.metadata()))
                .flatMap(Optional::stream).findFirst();
        if (stored.isEmpty() || stored.get().definesSameAs(spec, topic, subscription)) {
            return; // a group Herald did not make, or nothing changed
        }
        if (!members(group).isEmpty() || localMembers.containsKey(group)) {
            throw SubscriptionSpec.inUseWithAnotherDefinition(topic, subscription, stored.get(), spec);
        }
        String metadata = CommitMetadata.of(spec.startAt(stored.get().start()));
        Map<TopicPartition, OffsetAndMetadata> redefined = new HashMap<>();
        committed.forEach((tp, o) -> redefined.put(tp, new OffsetAndMetadata(o.offset(),
                CommitMetadata.withFinished(metadata, CommitMetadata.finished(o.metadata(), o.offset()), o.offset()))));
        try {
            cluster.await(cluster.admin().alterConsumerGroupOffsets(group, redefined).all(), "redefining subscription '" + subscription + "'");
        } catch (UnknownMemberIdException | GroupNotEmptyException e) {
            throw SubscriptionSpec.inUseWithAnotherDefinition(topic, subscription, stored.get(), spec);
        }
    }

    /*
     * The coordinator refuses a session timeout outside the brokers' group.min/max.session.timeout.ms
     * only when the member joins, inside a poll (and a push member's own thread). Checked here, the
     * caller gets the error from subscribe() with both numbers.
     */
    private void requireSessionTimeoutAllowed(SubscriptionSpec spec) {
        long[] bounds = sessionBounds;
        if (bounds == null) {
            var nodes = cluster.await(cluster.admin().describeCluster().nodes(), "listing brokers");
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.BROKER,
                    Integer.toString(nodes.iterator().next().id()));
            var config = cluster.await(cluster.admin().describeConfigs(List.of(resource)).all(), "reading broker configs").get(resource);
            bounds = new long[]{Long.parseLong(config.get("group.min.session.timeout.ms").value()),
                    Long.parseLong(config.get("group.max.session.timeout.ms").value())};
            sessionBounds = bounds;
        }
        long ms = spec.sessionTimeout().toMillis();
        if (ms < bounds[0] || ms > bounds[1]) {
            throw new io.herald.error.InvalidSpecException("session timeout " + ms + " ms is outside what the Kafka cluster at "
                    + cluster.bootstrapServers() + " allows: " + bounds[0] + " to " + bounds[1]
                    + " ms (group.min.session.timeout.ms, group.max.session.timeout.ms)");
        }
    }

    public void memberOpened(String topic, String subscription, GroupPeer member) {
        Set<GroupPeer> peers = localMembers.computeIfAbsent(GroupIds.of(topic, subscription), k -> ConcurrentHashMap.newKeySet());
        peers.forEach(GroupPeer::expectRebalance);
        peers.add(member);
    }

    public void memberClosed(String topic, String subscription, GroupPeer member) {
        localMembers.computeIfPresent(GroupIds.of(topic, subscription), (k, set) -> {
            set.remove(member);
            set.forEach(GroupPeer::expectRebalance);
            return set.isEmpty() ? null : set;
        });
    }

    public List<SubscriptionInfo> list(String topic) {
        topics.requireExists(topic);
        Collection<GroupListing> groups = cluster.await(cluster.admin().listGroups(ListGroupsOptions.forConsumerGroups()).all(), "listing consumer groups");
        List<SubscriptionInfo> infos = new ArrayList<>();
        for (GroupListing g : groups) {
            if (g.groupId().startsWith(GroupIds.prefix(topic)) && g.groupId().indexOf(GroupIds.SEPARATOR, topic.length() + 1) < 0) {
                describeIfExists(topic, GroupIds.subscriptionOf(g.groupId())).ifPresent(infos::add);
            }
        }
        infos.sort(java.util.Comparator.comparing(SubscriptionInfo::name));
        return infos;
    }

    public SubscriptionInfo describe(String topic, String subscription) {
        topics.requireExists(topic);
        return describeIfExists(topic, subscription).orElseThrow(() -> new SubscriptionNotFoundException(topic, subscription));
    }

    /**
     * The subscription's spec as its cursor's commit metadata says (see {@link #describe}),
     * without the reads a description makes for its stats.
     */
    public SubscriptionSpec spec(String topic, String subscription) {
        topics.requireExists(topic);
        String group = GroupIds.of(topic, subscription);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group, topic);
        if (committed.isEmpty() && members(group).isEmpty()) {
            throw new SubscriptionNotFoundException(topic, subscription);
        }
        return specOf(group, committed);
    }

    private SubscriptionSpec specOf(String group, Map<TopicPartition, OffsetAndMetadata> committed) {
        return committed.values().stream().map(o -> CommitMetadata.parse(o.metadata())).flatMap(Optional::stream)
                .findFirst().orElseGet(() -> specs.getOrDefault(group, SubscriptionSpec.defaults()));
    }

    /** Moves the cursor of every partition; the group must be empty, as a Kafka offset reset requires. */
    public void reset(String topic, String subscription, StartPosition to) {
        String group = requireIdle(topic, subscription, "reset");
        List<TopicPartition> partitions = Topics.partitionsOf(topic, topics.partitions(topic));
        Map<TopicPartition, OffsetAndMetadata> before = committed(group, topic);
        String metadata = before.values().stream().map(OffsetAndMetadata::metadata).filter(m -> CommitMetadata.parse(m).isPresent())
                .findFirst().map(CommitMetadata::specOnly).orElse(""); // finished offsets are relative to the old cursor
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        StartOffsets.resolve(cluster, partitions, to).forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset, metadata)));
        try {
            cluster.await(cluster.admin().alterConsumerGroupOffsets(group, offsets).all(), "resetting subscription '" + subscription + "'");
        } catch (UnknownMemberIdException | GroupNotEmptyException e) {
            throw new SubscriptionActiveException(topic, subscription, "reset", members(group));
        }
    }

    public void delete(String topic, String subscription) {
        String group = requireIdle(topic, subscription, "delete");
        try {
            cluster.await(cluster.admin().deleteConsumerGroups(List.of(group)).all(), "deleting subscription '" + subscription + "'");
        } catch (GroupNotEmptyException e) {
            throw new SubscriptionActiveException(topic, subscription, "delete", members(group));
        } catch (GroupIdNotFoundException e) {
            throw new SubscriptionNotFoundException(topic, subscription);
        }
        specs.remove(group);
        deleteStateTopics(topic, List.of(subscription));
    }

    /** Deletes every subscription of a topic that is being deleted. */
    public void deleteAll(String topic) {
        Collection<GroupListing> groups = cluster.await(cluster.admin().listGroups(ListGroupsOptions.forConsumerGroups()).all(), "listing consumer groups");
        List<String> ids = groups.stream().map(GroupListing::groupId).filter(id -> id.startsWith(GroupIds.prefix(topic))).toList();
        if (!ids.isEmpty()) {
            try {
                cluster.await(cluster.admin().deleteConsumerGroups(ids).all(), "deleting the subscriptions of topic '" + topic + "'");
            } catch (GroupIdNotFoundException | GroupNotEmptyException e) {
                // gone already, or a member of another process: Kafka drops its offsets with the topic
            }
        }
        ids.forEach(specs::remove);
        deleteStateTopics(topic, ids.stream().map(GroupIds::subscriptionOf).toList());
    }

    /** A subscription's state topic (retry schedules, parked keys, redrives) goes with it. */
    private void deleteStateTopics(String topic, List<String> subscriptionNames) {
        if (subscriptionNames.isEmpty()) {
            return;
        }
        List<String> names = subscriptionNames.stream().map(s -> io.herald.kafka.topic.InternalTopics.subscriptionState(topic, s)).toList();
        try {
            cluster.await(cluster.admin().deleteTopics(names).all(), "deleting the state topics of " + names);
        } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
            // a subscription that never had one: the others are deleted all the same
        }
    }

    private String requireIdle(String topic, String subscription, String operation) {
        topics.requireExists(topic);
        String group = GroupIds.of(topic, subscription);
        List<String> members = members(group);
        if (committed(group, topic).isEmpty() && members.isEmpty() && !localMembers.containsKey(group)) {
            throw new SubscriptionNotFoundException(topic, subscription);
        }
        if (!members.isEmpty() || localMembers.containsKey(group)) {
            List<String> all = new ArrayList<>(members);
            if (all.isEmpty()) {
                localMembers.getOrDefault(group, Set.of()).forEach(m -> all.add("joining in this process"));
            }
            throw new SubscriptionActiveException(topic, subscription, operation, all);
        }
        return group;
    }

    private Optional<SubscriptionInfo> describeIfExists(String topic, String subscription) {
        String group = GroupIds.of(topic, subscription);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group, topic);
        Optional<ConsumerGroupDescription> description = description(group);
        List<MemberDescription> members = description.map(d -> List.copyOf(d.members())).orElse(List.of());
        if (committed.isEmpty() && members.isEmpty()) {
            return Optional.empty();
        }
        List<TopicPartition> partitions = Topics.partitionsOf(topic, topics.partitions(topic));
        Map<TopicPartition, Long> ends = StartOffsets.ends(cluster, partitions);
        Map<TopicPartition, Long> starts = StartOffsets.starts(cluster, partitions);
        Map<TopicPartition, String> owners = new HashMap<>();
        for (MemberDescription m : members) {
            m.assignment().topicPartitions().forEach(tp -> owners.put(tp, m.consumerId()));
        }
        List<SubscriptionInfo.PartitionCursor> cursors = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            long cursor = c == null ? starts.get(tp) : c.offset();
            cursors.add(new SubscriptionInfo.PartitionCursor(tp.partition(), cursor, ends.get(tp), Optional.ofNullable(owners.get(tp))));
        }
        SubscriptionSpec spec = specOf(group, committed);
        Map<Integer, Long> cursorOffsets = new HashMap<>();
        cursors.forEach(c -> cursorOffsets.put(c.partition(), c.committed()));
        return Optional.of(new SubscriptionInfo(topic, subscription, spec, members.stream().map(MemberDescription::consumerId).toList(),
                cursors, stats.of(topic, subscription, spec, cursorOffsets)));
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> all;
        try {
            all = cluster.await(cluster.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "reading the cursor of " + group);
        } catch (GroupIdNotFoundException e) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> mine = new HashMap<>();
        all.forEach((tp, o) -> {
            if (o != null && tp.topic().equals(topic)) {
                mine.put(tp, o);
            }
        });
        return mine;
    }

    private List<String> members(String group) {
        return description(group).map(d -> d.members().stream().map(MemberDescription::consumerId).toList()).orElse(List.of());
    }

    private Optional<ConsumerGroupDescription> description(String group) {
        try {
            return Optional.ofNullable(cluster.await(cluster.admin().describeConsumerGroups(List.of(group)).all(), "describing " + group).get(group));
        } catch (GroupIdNotFoundException e) {
            return Optional.empty();
        }
    }
}
