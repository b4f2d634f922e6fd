/**
 * Delayed events on Kafka ({@code Broker.publishAt}/{@code publishAfter}): kept in Kafka topics,
 * never only in one process's memory, so a crash loses no event and no schedule.
 *
 * <pre>
 *  publishAt(orders, [e1, e2], t)            every open KafkaBroker runs a DelayForwarder;
 *    | checked like a publish (topic,        they form the consumer group __herald.delayer,
 *    | size) before anything is written      subscribed by pattern to __herald.delay.*
 *    v                                          |
 *  __herald.delay.orders  partition p  -----> owner of p: holds events in (due, offset) order
 *  (DelayRecord: the CloudEvents record         | when due: produce to orders partition p,
 *   + herald-due, herald-target;                |   acks=all, idempotent; wait for the acks
 *   p = the partition e will enter)             | then commit p below the first offset not released,
 *                                               |   metadata = offsets released above it (group.OffsetRanges)
 *                                               v
 *                                          orders partition p: subscriptions and readers see e now
 * </pre>
 *
 * <ul>
 *   <li>{@link io.herald.kafka.delay.DelayedEvents}: the entry; schedules, deletes with the topic, runs the forwarder.
 *   <li>{@code DelayTopics}: a delay topic per topic, made on first use (infinite retention; trimmed by the forwarder).
 *   <li>{@code DelayRecord}: the record format. Its commit metadata format is {@code group.OffsetRanges}, shared with the KEY/NONE engine.
 *   <li>{@code DelayForwarder}, {@code HeldPartition}: the release loop and what it holds per partition.
 * </ul>
 *
 * Guarantees: nothing enters its topic before its due time (the forwarder compares with its own
 * clock; the topic's append time is later still); events due together enter in publish order per
 * partition, so per key; every event enters at least once: an owner that stops between a release
 * and its commit leaves it to the next owner, which releases it again.
 */
package io.herald.kafka.delay;
