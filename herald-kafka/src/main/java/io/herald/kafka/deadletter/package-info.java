/**
 * The dead-letter queue on Kafka. {@link io.herald.kafka.deadletter.DeadLetterQueues} opens a
 * subscription's {@link io.herald.kafka.deadletter.KafkaDeadLetterQueue} and gives the part of its
 * stats that Kafka holds. A queue is the records of the dead-letter topic that name the
 * subscription, minus those its state topic marks {@code Resolved}: Kafka deletes no single record,
 * so a purge or a redrive hides. Every call reads afresh: every process sees the same queue.
 *
 * <pre>
 *  list, count, show ◀── dead-letter topic, partition by partition ── minus Resolved facts ◀── state topic
 *  redrive to a topic:          Publisher.publish ──┐ each chunk awaited (acks=all), then
 *  redrive to the subscription: Redrive facts ──────┴──▶ Resolved facts
 *  purge:                       Resolved facts ──▶ the end of the Park fact of each key left without dead letters
 * </pre>
 *
 * A Redrive fact goes to the state partition of the event's original partition, whose owner delivers it from attempt 1.
 * A failure between the writes leaves a dead letter listed that was already sent, never one hidden that was not.
 */
package io.herald.kafka.deadletter;
