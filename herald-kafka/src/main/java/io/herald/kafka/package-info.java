/**
 * The Kafka backend: the Broker API on Apache Kafka 4.x clients ({@code Herald.open(KafkaConfig.of("host:9092"))}).
 *
 * <pre>
 *  Herald                        Kafka
 *  topic                         topic (TopicSpec as configs: see topic.TopicConfigs)
 *  event                         record, CloudEvents Kafka binding, binary mode (codec.CloudEventsBinaryMode)
 *  partition key                 record key; partition = murmur2 (KeyPartitioner == Kafka's default)
 *  position (partition, offset)  (partition, offset)
 *  appendTime                    record timestamp, LogAppendTime
 *  publish ack                   acks=all on an idempotent producer (publish.Publisher)
 *  reader                        consumer without a group: assign + seek (read.KafkaTopicReader)
 *  subscription, PARTITION       consumer group "topic:subscription", classic protocol (group.*)
 *  cursor                        committed offsets, only below the first unacked delivery
 *  reset                         Admin alterConsumerGroupOffsets on an empty group
 * </pre>
 *
 * Phase 1 of issue 4. Ordering KEY and NONE, filters, retries beyond a rewind of the partition,
 * dead letters, delayed and ephemeral topics are phase 2 and refused with errors that say so.
 * Packages: {@code cluster} (admin calls with a bound), {@code topic}, {@code codec},
 * {@code publish}, {@code read}, {@code group}.
 */
package io.herald.kafka;
