/**
 * Orderings {@code KEY} and {@code NONE} on the embedded broker: one engine per subscription
 * ({@link io.herald.embedded.dispatch.Dispatcher}) reads every partition of the topic into one
 * window of at most 20,000 unfinished events and hands them out, each on a lease, to any number of
 * consumers ({@link io.herald.embedded.dispatch.QueuePushConsumer},
 * {@link io.herald.embedded.dispatch.QueuePullConsumer}); any consumer takes from any partition.
 *
 * What is handed out, and when, is the shared state machine of {@code herald-delivery}
 * ({@link io.herald.delivery.Window}, the same on Kafka); this package keeps what is the embedded
 * broker's: reading the partitions, the lock, the cursors and the local stores.
 *
 * <pre>
 *  partitions ──fill──▶ Window ──take──▶ lease (QueueDelivery) ──▶ consumers
 *                         ▲ │                                          │ ack / nack / reject / expiry
 *                         │ └─ effects ─▶ DeliveryStateStore (retry records, settled, parked keys)
 *                         │           └▶ DeadLetterWrite ─▶ DeadLetterSink ─▶ dead-letter topic
 *                         └──────────────────────────────── verdicts ◀────┘
 *  CursorStore ◀── every 20 ms: lowest offset not done + offsets done above it
 * </pre>
 *
 * <ul>
 *   <li><b>The cursor</b> of a partition is its lowest offset not done; the offsets done above it
 *       (acked, dead-lettered or filtered out behind a pending event) go with it as
 *       {@link io.herald.broker.spi.OffsetRanges} text of at most 3000 characters, and a restart
 *       skips them. Both go to the {@link io.herald.embedded.meta.CursorStore} at a poll at most
 *       every 20 ms (and on leave and close), which writes them every few milliseconds: a crash
 *       redelivers what was in flight and skips nothing. Done offsets beyond that text reach the
 *       disk only at a clean close (as settled); after a crash they are delivered again.
 *   <li><b>A failure</b>'s attempts, due time and last error go to the
 *       {@link io.herald.embedded.meta.DeliveryStateStore} (on disk at its next flush) and are
 *       restored by offset when the events come into the window again. An event settled after a
 *       failure is recorded as settled there until the cursor passes it.
 *   <li><b>A dead letter</b> counts as done only once the
 *       {@link io.herald.embedded.deadletter.DeadLetterSink} has it on disk; its settled record is
 *       flushed right after. A failed write is tried again every second while the event is still
 *       the engine's ({@link io.herald.delivery.DeadLetterWrite}), never handed to a consumer again.
 *   <li>One lock guards the window; a push worker's acks ({@code AckBatch}) take effect together
 *       when it next polls, before it takes anything new.
 * </ul>
 */
package io.herald.embedded.dispatch;
