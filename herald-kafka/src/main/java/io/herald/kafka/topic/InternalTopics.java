package io.herald.kafka.topic;

import io.herald.broker.Names;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The names of the Kafka topics Herald keeps beside a user's topics. They start with
 * {@link Names#INTERNAL_PREFIX}, so they are never listed and a user cannot create one.
 *
 * <ul>
 *   <li>{@link #subscriptionState}: a subscription's state (retry schedules, parked keys,
 *       redriven events, resolved dead letters), compacted, one partition per source partition.
 *   <li>{@link #delay}: events published to a topic for later, until they are due.
 * </ul>
 */
public final class InternalTopics {

    public static final String PREFIX = "__herald.";
    private static final int KAFKA_MAX = 249;

    private InternalTopics() {
    }

    /**
     * {@code __herald.sub.<topic>.<subscription>.<hash>}: the hash of the pair tells apart
     * {@code ("a.b", "c")} from {@code ("a", "b.c")}, and keeps a name cut to Kafka's length unique.
     */
    public static String subscriptionState(String topic, String subscription) {
        String identity = topic + ':' + subscription;
        return bounded(PREFIX + "sub." + topic + "." + subscription + "." + hash(identity), identity);
    }

    /** {@code __herald.delay.<topic>}; its records name their target topic themselves (a long name is cut). */
    public static String delay(String topic) {
        return bounded(PREFIX + "delay." + topic, topic);
    }

    /** {@code name} itself if Kafka takes it, else cut to Kafka's length with the hash of {@code identity}. */
    private static String bounded(String name, String identity) {
        if (name.length() <= KAFKA_MAX) {
            return name;
        }
        String suffix = "." + hash(identity);
        return name.substring(0, KAFKA_MAX - suffix.length()) + suffix;
    }

    private static String hash(String identity) {
        CRC32C crc = new CRC32C();
        crc.update(identity.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
