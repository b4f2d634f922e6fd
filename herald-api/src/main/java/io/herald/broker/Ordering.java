package io.herald.broker;

/** The order in which a subscription hands events to its consumers. */
public enum Ordering {
    /** In offset order per partition; a partition belongs to one consumer of the group at a time (Kafka consumer groups). */
    PARTITION,
    /** In publish order per partition key, keys in parallel; a failing key blocks only itself. */
    KEY,
    /** No order: competing consumers each lease events (SQS, Kafka share groups). */
    NONE
}
