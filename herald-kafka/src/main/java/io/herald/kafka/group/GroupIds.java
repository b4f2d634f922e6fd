package io.herald.kafka.group;

/**
 * A subscription's Kafka consumer group: {@code <topic>:<subscription>}. Herald names a
 * subscription per topic while Kafka names groups per cluster; a colon cannot occur in a Herald
 * name, so the id is unambiguous and a topic's groups are those with its prefix.
 */
public final class GroupIds {

    public static final char SEPARATOR = ':';

    private GroupIds() {
    }

    public static String of(String topic, String subscription) {
        return topic + SEPARATOR + subscription;
    }

    public static String prefix(String topic) {
        return topic + SEPARATOR;
    }

    public static String subscriptionOf(String groupId) {
        return groupId.substring(groupId.lastIndexOf(SEPARATOR) + 1);
    }
}
