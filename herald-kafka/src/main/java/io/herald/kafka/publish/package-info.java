/**
 * Publishing on Kafka: {@link io.herald.kafka.publish.Publisher} appends the user's events (and the
 * dead letters a redrive sends to a topic) with one idempotent producer, {@code acks=all}, so a
 * publish completes once the in-sync replicas have the record.
 *
 * <pre>
 *  publish(topic, events) ── every event checked first: topic known (topic.Topics), size within the limit (codec)
 *     ──▶ partition: KeyPartitioner (murmur2, Kafka's rule) for a key, round robin per topic without one
 *     ──▶ KafkaProducer (acks=all, idempotent, linger.ms 0 unless configured) ──▶ Position(partition, offset)
 * </pre>
 *
 * Herald picks the partition itself, so that it is the same as on the embedded broker; Kafka's
 * sticky partitioner would put a trickle of keyless events on one partition. A batch is not a
 * transaction: if the cluster fails part-way, the records already acknowledged stay. An unknown
 * topic fails with {@code TopicNotFoundException}, any other Kafka error with {@code StorageException}.
 */
package io.herald.kafka.publish;
