/**
 * Orderings {@code KEY} and {@code NONE} on the embedded broker: one engine per subscription
 * ({@link io.herald.embedded.dispatch.Dispatcher}) reads every partition of the topic into one
 * window of at most 20,000 unfinished events and hands them out, each on a lease, to any number of
 * consumers ({@link io.herald.embedded.dispatch.QueuePushConsumer},
 * {@link io.herald.embedded.dispatch.QueuePullConsumer}); any consumer takes from any partition.
 *
 * <pre>
 *  partitions ──fetch──▶ window ──▶ ready ──poll──▶ lease (QueueDelivery) ──▶ consumers
 *                          │          ▲ due                                       │
 *                          │        timer ◀── Retry ◀── RetryPolicy ◀─────────────┤ nack / exception / lease expiry
 *                          │                    │           │ DeadLetter          │
 *                          │                    ▼           ▼                     │
 *                          │           DeliveryStateStore DeadLetterSink ◀────────┤ reject
 *                          │ filtered out                   ├─▶ dead-letter topic │
 *                          ▼                                ▼ on disk             │
 *  CursorStore ◀── cursor: lowest offset not done ◀─────── done ◀─────────────────┘ ack
 * </pre>
 *
 * <ul>
 *   <li><b>The cursor</b> of a partition is its lowest offset not done; the offsets done above it
 *       (acked, dead-lettered or filtered out behind a pending event) go with it as
 *       {@link io.herald.broker.spi.OffsetRanges} text of at most 3000 characters, and a restart
 *       skips them. Both go to the {@link io.herald.embedded.meta.CursorStore} once per poll (and
 *       on leave and close), which writes them every few milliseconds: a crash redelivers what
 *       was in flight and skips nothing. Done offsets beyond that text reach the disk only at a
 *       clean close (as settled); after a crash they are delivered again.
 *   <li><b>A failure</b> (nack, handler exception, expired lease) counts an attempt. Attempts, due
 *       time and last error go to the {@link io.herald.embedded.meta.DeliveryStateStore} (on disk
 *       at its next flush) and are restored by offset when the events come into the window again,
 *       so a retry keeps its count and waits for its due time. A nack's delay replaces the
 *       policy's backoff; an expired lease is retried at once.
 *   <li><b>A dead letter</b> (the policy gives up, or a reject) counts as done only once the
 *       {@link io.herald.embedded.deadletter.DeadLetterSink} has it on disk; its settled record is
 *       flushed right after. A failed write delivers the event again a second later. With
 *       {@code KEY} and {@link io.herald.broker.KeyAfterDeadLetter#PARK} the key (unless the
 *       event had none) stays parked until the dead letter is redriven or purged.
 *   <li><b>KEY</b>: only the head of a key's queue is ever ready or out, so a retrying key holds
 *       back only itself; a redriven dead letter goes before its key's own events.
 *   <li><b>The first verdict counts</b> ({@link io.herald.broker.spi.AbstractDelivery}); an
 *       entry's epoch, bumped whenever a delivery of it ends or is taken away, makes a late
 *       verdict on an expired lease do nothing. One lock guards the window; a push worker's acks
 *       ({@code AckBatch}) take effect together when it next polls, before it takes anything new.
 * </ul>
 */
package io.herald.embedded.dispatch;
