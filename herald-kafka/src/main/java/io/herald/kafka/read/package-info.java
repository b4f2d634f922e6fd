/**
 * Reading Kafka records as Herald events. {@link io.herald.kafka.read.KafkaTopicReader} is the
 * {@code TopicReader}: a consumer without a group and without commits that assigns every partition
 * and seeks to offsets resolved at once ({@code topic.StartOffsets}), so "latest" means after the
 * call; a position behind retention goes on at the oldest record held.
 * {@link io.herald.kafka.read.RecordEvents} turns a consumed record into a {@code StoredEvent} (its
 * timestamp, LogAppendTime, is the append time) for readers, both subscription engines and the
 * dead-letter queue: a record that is no CloudEvent fails naming its position, or becomes a
 * stand-in event that can be dead-lettered like any other.
 *
 * <pre>
 *  partitions ──assign, seek──▶ KafkaConsumer ──poll──▶ buffer (fetch order) ──▶ RecordEvents ──▶ StoredEvent
 * </pre>
 */
package io.herald.kafka.read;
