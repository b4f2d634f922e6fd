/**
 * Dead letters on the embedded broker. {@link io.herald.embedded.deadletter.DeadLetterSink} writes
 * them for both engines to a subscription's dead-letter topic, which it makes when missing (the
 * source topic's partition count, so a key's dead letters keep their order; fsync {@code ALWAYS}).
 * {@link io.herald.embedded.deadletter.EmbeddedDeadLetterQueue} is the {@code DeadLetterQueue}:
 * the records of that topic that name the subscription, minus those resolved: the topic is
 * append-only, so a redrive or a purge hides a dead letter.
 *
 * <pre>
 *  engine ──write──▶ DeadLetterSink ──▶ dead-letter topic ──scan, minus resolved positions──▶ list / count / show
 *  redrive to a topic (publish), redrive to the subscription (addRedrive), purge
 *      ──▶ DeliveryStateStore: each dead letter resolved, flushed before the call returns
 *      ──▶ the queue's Listener: redriven() (to the subscription) → the engines load the redrives;
 *                                purged(keys) → those keys, if parked, go on
 * </pre>
 */
package io.herald.embedded.deadletter;
