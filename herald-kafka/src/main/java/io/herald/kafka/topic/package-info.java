/**
 * Herald topics as Kafka topics. {@link io.herald.kafka.topic.Topics} creates, lists, describes and
 * deletes them (a create returns once every partition's leader answers; partition counts are
 * cached for the publisher); {@link io.herald.kafka.topic.TopicConfigs} maps a {@code TopicSpec} to
 * topic configs and back; {@link io.herald.kafka.topic.StartOffsets} resolves a
 * {@code StartPosition} to one offset per partition, at once, through the admin client;
 * {@link io.herald.kafka.topic.InternalTopics} names the topics Herald keeps beside a user's.
 *
 * <pre>
 *  orders                              user topic: LogAppendTime, max.message.bytes, fsync as flush.* (TopicConfigs)
 *  __herald.sub.orders.billing.&lt;hash&gt;  state topic of subscription billing: compacted (state.StateTopics)
 *  __herald.delay.orders               delayed events for orders until due (delay.DelayTopics)
 * </pre>
 *
 * Names starting with {@code __} are never listed, and a user cannot create one. An internal name
 * longer than Kafka's 249 characters is cut and ends with a hash of what it names.
 */
package io.herald.kafka.topic;
