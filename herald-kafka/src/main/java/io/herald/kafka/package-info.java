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
 *  subscription, KEY / NONE      the same group; one member per process shared by its consumers (dispatch.*)
 *  cursor                        committed offsets: PARTITION below the first unacked delivery,
 *                                KEY / NONE the lowest unfinished offset, with the offsets finished above it
 *                                in the commit metadata (group.CommitMetadata, group.OffsetRanges)
 *  retry schedule, parked key    fact in the compacted state topic __herald.sub.* (state.StateRecord)
 *  dead letter                   record in the dead-letter topic, original event + dlq* attributes (failure.FailureLog)
 *  dead-letter queue             the dead-letter topic's records naming the subscription, minus its Resolved facts:
 *                                Kafka deletes no single record, so a purge or redrive hides (deadletter.*)
 *  redrive to the subscription   Redrive fact in the state partition of the event's original partition
 *  subscription stats            dead letters, live Retry and Redrive facts; leased: the leases of the asking
 *                                process's KEY / NONE engines (leases live in memory); acked/s is 0 (not in Kafka)
 *  filter                        evaluated by the member; a non-matching event is done without a delivery
 *  delayed event                 record in the delay topic __herald.delay.* until due; every broker's forwarder
 *                                (group __herald.delayer) copies it to its topic then (delay.DelayedEvents)
 *  reset                         Admin alterConsumerGroupOffsets on an empty group
 * </pre>
 *
 * Packages: {@code cluster} (admin calls with a bound), {@code topic}, {@code codec},
 * {@code publish}, {@code read}, {@code group} (PARTITION), {@code dispatch} (KEY and NONE),
 * {@code state} (a subscription's state topic), {@code failure} (retry schedules and dead letters),
 * {@code deadletter} (the dead-letter queue: list, purge, redrive; stats), {@code delay} (delayed events).
 */
package io.herald.kafka;
