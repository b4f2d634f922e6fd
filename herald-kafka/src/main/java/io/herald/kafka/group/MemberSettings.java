package io.herald.kafka.group;

import io.herald.broker.SubscriptionSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * The consumer settings of a member of a subscription's consumer group, written once for both
 * engines (the PARTITION member and the KEY/NONE dispatcher).
 */
public final class MemberSettings {

    private MemberSettings() {
    }

    /** The client's own settings plus the group's; a caller adds only what its engine needs apart. */
    public static Map<String, Object> of(Map<String, Object> clientBase, String topic, String subscription, SubscriptionSpec spec) {
        long session = spec.sessionTimeout().toMillis();
        Map<String, Object> p = new HashMap<>(clientBase);
        p.put("group.id", GroupIds.of(topic, subscription));
        // one protocol and one assignor for every member: a group refuses a member that differs
        p.put("group.protocol", "classic");
        p.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest"); // a cursor behind retention continues at the oldest event held
        p.put("session.timeout.ms", Long.toString(session));
        // Kafka's default is a third of the session; at most a second here, because a member hears of
        // a rebalance only in a heartbeat's answer and partitions wait for every member to rejoin
        p.put("heartbeat.interval.ms", Long.toString(Math.max(10, Math.min(1000, session / 3))));
        return p;
    }
}
