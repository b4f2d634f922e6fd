/**
 * Where a subscription's failures go in Kafka, for both engines (the {@code PARTITION} member in
 * {@code group} and the {@code KEY}/{@code NONE} engine in {@code dispatch}):
 * {@link io.herald.kafka.failure.FailureLog} writes retry schedules and parked keys as facts of
 * the subscription's state topic, and given-up events as dead letters in its dead-letter topic;
 * {@link io.herald.delivery.DeadLetterWrite} keeps writing one dead letter until Kafka has it.
 *
 * <pre>
 *                                              ┌──▶ state partition p (compacted): Retry and Park facts; an end is a tombstone
 *  engine ──retry / park / end──▶ FailureLog ──┤
 *    │                              ▲          └──▶ dead-letter topic, partition p mod count (made at the first)
 *    │ dead letter                  │ deadLetter, once per attempt
 *    └──▶ DeadLetterWrite ──────────┘
 *           ▲   │ failed, and the event is still the caller's: again after 1 s
 *           └───┘
 *         outcome: true once written; false once the event is no longer the caller's
 * </pre>
 *
 * <ul>
 *   <li><b>A write completes once Kafka acknowledged it</b>
 *       ({@link io.herald.kafka.cluster.InternalProducer}: idempotent, {@code acks=all}), and
 *       exceptionally if Kafka refused it; the engine decides what waits. An event counts as
 *       dead-lettered only once its dead letter is written. The {@code KEY}/{@code NONE} engine
 *       makes a retry wait for its {@code Retry} fact's write; the {@code PARTITION} member does not.
 *   <li><b>A {@link io.herald.delivery.FailureRecord}</b> is an event's failed deliveries so
 *       far (a reject counts as one): attempts, first and last failure, last error. A
 *       {@code Retry} fact keeps it, with the due time, across restarts and rebalances; a dead
 *       letter carries it in the attributes of {@link io.herald.broker.spi.DeadLetterFormat}, the
 *       same as on the embedded backend.
 *   <li><b>The dead-letter topic</b> is made at the first dead letter, with the source topic's
 *       partition count, by one caller at a time in the process, and its partition count is then
 *       kept ({@code ensureDeadLetterTopic} says which failure this avoids). A dead letter goes to
 *       its event's partition (modulo that count), so a key's dead letters keep their order.
 *   <li><b>{@code DeadLetterWrite}</b> tries again every second for as long as the caller says the
 *       event is still its own; it completes with true once written, false once the event is not
 *       the caller's any more, and never exceptionally. Its outcomes run on virtual threads and its
 *       pause is a timer: never on the producer's I/O thread, which every internal write shares.
 * </ul>
 */
package io.herald.kafka.failure;
