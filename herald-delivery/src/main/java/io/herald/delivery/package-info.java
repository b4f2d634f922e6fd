/**
 * The delivery engine both backends share, without storage, threads or I/O: the {@code KEY} and
 * {@code NONE} state machine ({@link io.herald.delivery.Window}) and the one failure path
 * (the {@link io.herald.broker.RetryPolicy policy's} decision inside the window, then
 * {@link io.herald.delivery.DeadLetterWrite} for a dead letter). Each backend keeps only what is
 * its own: the lock, fetching, where facts and cursors are written, and rebalances.
 *
 * <pre>
 *            embedded Dispatcher                         Kafka Dispatcher
 *   (partition files, CursorStore,              (consumer-group member, commit metadata,
 *    DeliveryStateStore, DeadLetterSink)         state topic, dead-letter topic)
 *                    │  admit / take / verdicts / timers (now as a parameter)  │
 *                    └──────────────────────▶ Window ◀─────────────────────────┘
 *                                               │ Effects: recordRetry, deadLetter,
 *                                               │ settled, forgotten, parked, unparked
 *                                               ▼
 *                                      the backend writes them, then reports
 *                                      recorded / deadLettered / committed
 * </pre>
 *
 * <ul>
 *   <li><b>Time is a parameter</b> ({@code now}, epoch millis), so tests drive it by hand and the
 *       model test needs no broker.
 *   <li><b>A failure</b> (nack, handler exception, expired lease) counts an attempt; the policy
 *       decides between a retry, which waits for its retry record to be written, and a dead
 *       letter, after which the event counts as done only once the dead letter is written.
 *   <li><b>Settlement is made durable before anything is forgotten</b>: a settled event's retry
 *       record ends only once a durable commit passes the event, so a crash cannot bring it back
 *       as attempt 1.
 *   <li><b>The commit</b> of a partition is its lowest offset not done, with the offsets done
 *       above it as {@link io.herald.broker.spi.OffsetRanges}: a restart or a new owner skips them.
 * </ul>
 *
 * Inside the window: a {@code PartitionWindow} per partition owned (its entries in offset order,
 * its commit bookkeeping), {@code KeyQueues} for per-key order and parked keys, and
 * {@code Timers} for lease expiry and due retries.
 */
package io.herald.delivery;
