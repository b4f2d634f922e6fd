/**
 * A subscription's state topic on Kafka ({@code __herald.sub.<topic>.<subscription>.<hash>}):
 * compacted, one partition per partition of the subscription's topic, holding what the engines
 * must not keep only in memory. {@link io.herald.kafka.state.StateRecord} is a fact's format (retry
 * schedules, parked keys, redriven events, resolved dead letters), and a tombstone under its key
 * ends it; {@link io.herald.kafka.state.StateTopics} makes the topic when a subscription is opened
 * (or before a purge or redrive writes to it) and tells partition counts.
 *
 * <pre>
 *  failure.FailureLog: Retry, Park, their ends ──────┐
 *  deadletter: Redrive, Resolved, the end of a Park ─┴─▶ state partition p (compacted): Retry, Park and Redrive
 *     │                                                  facts about source partition p; Resolved by dead-letter partition
 *     ├─▶ StateFollower: p read to its end when source partition p is assigned, then tailed ──▶ the member or engine owning p
 *     └─▶ StateTopicReader: every partition's live facts, up to the end offsets of now ──▶ dead-letter queue, stats
 * </pre>
 */
package io.herald.kafka.state;
