/**
 * Orderings {@code KEY} and {@code NONE} on Kafka: one engine per subscription and process
 * ({@link io.herald.kafka.dispatch.Dispatcher}), a member of the subscription's consumer group
 * that every local push and pull consumer of the subscription shares. Kafka spreads partitions
 * over processes; inside a process the engine spreads a partition's events over keys, beyond
 * the partition count (the job Confluent's Parallel Consumer does). What is handed out, and
 * when, is the shared state machine of {@code herald-delivery} ({@link io.herald.delivery.Window},
 * the same on the embedded broker); {@code WindowFacts} tells it what the state partitions say.
 *
 * <pre>
 *  Kafka partition p ──poll──▶ Window (per-key queues; NONE: none) ──take──▶ leases ──▶ consumers
 *        ▲                         ▲  retry facts, park facts, redrives         │ ack / nack / reject / expiry
 *        │ commit = lowest         │                                          ▼
 *        │ unfinished offset   state partition p (compacted) ◀── Retry / Park ── FailureLog ──▶ dead-letter topic
 * </pre>
 *
 * <ul>
 *   <li><b>Nothing lives only in memory.</b> A partition commits its lowest unfinished offset,
 *       so a crash redelivers what was in flight and skips nothing. The offsets finished above it
 *       (acked, dead-lettered, filtered out) go in the commit metadata as ranges, so a new owner
 *       does not deliver again everything acked behind an event whose retry waits an hour; the
 *       ranges that do not fit Kafka's metadata limit are delivered again (at least once). A failed event's schedule
 *       (attempts, due time, failures) is a {@code Retry} fact in the subscription's compacted
 *       state topic before the retry waits; a new owner of the partition reads the state
 *       partition to its end before it hands out anything, so attempts and due times survive a
 *       crash or a rebalance. A dead letter is written (and acknowledged) before its event
 *       counts as done. A settled event's {@code Retry} fact is ended only once a durable commit
 *       passes the event ({@code Window.committed}; commits go at most every 20 ms): ended sooner, a crash before that commit
 *       would bring the event back as attempt 1.
 *   <li><b>KEY</b>: only the oldest unfinished event of a key is out; a retrying or parked key
 *       holds back only itself. With {@code KeyAfterDeadLetter.PARK} a key stops at its dead
 *       letter (a {@code Park} fact) until the dead letter is redriven (it then goes first) or
 *       purged (the dead-letter queue ends the fact; the engine tails its state partitions to
 *       hear it).
 *   <li><b>NONE</b> is this engine too, not Kafka's share groups (KIP-932), for three reasons:
 *       a share group redelivers a released record at once (it has no backoff); after its
 *       delivery-count limit it archives the record, which is dropping it, where Herald must
 *       dead-letter it; and the delivery count lives in the share-partition leader and is reset
 *       by nothing Herald controls, so an attempt count cannot be carried through a delayed
 *       retry or a redrive. The known limit of this choice: competing consumers are spread over
 *       processes by partitions, so more processes than partitions leaves some idle (a share
 *       group would let them all compete); within a process any number of consumers compete.
 * </ul>
 */
package io.herald.kafka.dispatch;
