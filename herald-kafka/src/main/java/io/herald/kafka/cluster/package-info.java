/**
 * The connection to one Kafka cluster that the whole backend shares. {@link io.herald.kafka.cluster.Cluster}
 * holds the admin client and is the one way Herald waits on it: every call is bounded by the
 * request timeout, a timeout becomes a {@code ClusterUnreachableException} naming the bootstrap
 * servers, and other Kafka errors are rethrown for the caller to map.
 * {@link io.herald.kafka.cluster.InternalProducer} is the one producer of the records Herald writes
 * for itself: idempotent with {@code acks=all}, like the user's publishes, because such a record is
 * acknowledged state (the event it is about counts as handled, or waits, only once the in-sync
 * replicas have it).
 *
 * <pre>
 *  KafkaBroker ─┬─▶ Cluster (Admin) ──▶ topic.*, state.StateTopics, group.Subscriptions, delay.*, ...
 *               └─▶ InternalProducer ──▶ failure.FailureLog: Retry and Park facts, dead letters
 *                                    └─▶ deadletter.*: Redrive and Resolved facts, ends of Park facts
 *  ReaderSettings: the settings of the consumers outside a group (read.KafkaTopicReader, the state readers)
 * </pre>
 */
package io.herald.kafka.cluster;
