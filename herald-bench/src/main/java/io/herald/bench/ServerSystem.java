package io.herald.bench;

import java.net.URI;
import java.util.function.LongConsumer;

/**
 * What {@link ServerBench}'s workloads do to a system, in the terms both systems share: the
 * Herald server over HTTP from this process ({@link HeraldHttpSystem}), and Kafka through its own
 * Java clients ({@link KafkaClientsSystem}). Events travel as {@link WireEvents} in both. Every
 * method may be called from many threads unless it says otherwise.
 */
interface ServerSystem extends AutoCloseable {

    /** The result table's column: "Herald" or "Kafka". */
    String column();

    void createTopic(String topic, int partitions) throws Exception;

    void deleteTopic(String topic) throws Exception;

    /** Publishes the events (each in structured form) as one batch; returns once all are acknowledged. */
    void publishBatch(String topic, byte[][] events) throws Exception;

    /** Publishes one event, carrying {@code due} in its data; returns once it is acknowledged. {@code key} may be null. */
    void publishOne(String topic, String id, String key, long due) throws Exception;

    /** A new consumer of a subscription (Kafka: a group) that starts at the earliest event; one thread uses it. */
    Receiver receiver(String topic, String subscription) throws Exception;

    /**
     * Follows the topic from its end (a Server-Sent Events read; Kafka: a consumer assigned every
     * partition, no group), calling {@code arrival} with each event's due time, on a thread of its
     * own. Returns once it is positioned: what is published after the return reaches it.
     */
    AutoCloseable follow(String topic, LongConsumer arrival) throws Exception;

    /**
     * Pushes every event of the topic, from the earliest, to {@code url} (POST), with up to
     * {@code concurrency} calls in flight and per-key order; an event counts as handled once the
     * URL answered 2xx. Closing stops it.
     */
    AutoCloseable pushTo(String topic, String subscription, URI url, int concurrency) throws Exception;

    /** One consumer: receive, then acknowledge what was received. Not thread-safe. */
    interface Receiver extends AutoCloseable {
        /** Receives up to the batch size (waiting up to a second), acknowledges it all; returns how many. */
        int receiveAndAck() throws Exception;
    }
}
