/**
 * Ordering {@code PARTITION} on Kafka: each push or pull consumer is a member ({@code PartitionMember})
 * of the subscription's consumer group {@code topic:subscription} ({@link io.herald.kafka.group.GroupIds})
 * and delivers its partitions' events in offset order. {@link io.herald.kafka.group.Subscriptions} is
 * the admin side: a new subscription's start cursor, descriptions, reset and delete.
 *
 * <pre>
 *                   state partition p (compacted): Retry and Redrive facts
 *                                     │ read to its end on assignment, then tailed
 *                                     ▼
 *  Kafka partition p ──poll──▶ PartitionMember ──take──▶ PartitionDelivery, RedriveDelivery ──▶ consumers
 *     ▲     ▲                                                                                       │
 *     │     └── seek back, pause until due ◀── Retry fact ◀── RetryPolicy ◀─────────────────────────┤ nack / exception
 *     │                                                          │ DeadLetter                       │ reject
 *     │                                                          ▼                                  │
 *     │                           dead-letter topic ◀── DeadLetterWrite ◀───────────────────────────┤
 *     │ commit: the end of the acked prefix                      │ written                          │ ack
 *     └──────────────────────────────────── PartitionLedger ◀─────┴──────────────────────────────────┘
 * </pre>
 *
 * <ul>
 *   <li><b>The cursor</b> is the group's committed offset: the end of a partition's acked prefix
 *       ({@code PartitionLedger}), so it never passes an event that is not acked. It is committed
 *       at each poll (asynchronously), when partitions are revoked (after waiting at most 5 s, or
 *       half the session timeout if less, for dead letters being written) and on close. Its
 *       metadata is the spec ({@link io.herald.kafka.group.CommitMetadata}) alone: the finished
 *       offsets ({@link io.herald.broker.spi.OffsetRanges}) are the KEY/NONE engine's.
 *   <li><b>Membership</b>: classic protocol, range assignor, no auto-commit
 *       ({@link io.herald.kafka.group.MemberSettings}); the session and the poll interval are both
 *       the spec's session timeout, so a member that stops polling loses its partitions. When a
 *       member of the group opens or closes in this process, the others rejoin at their next poll
 *       ({@link io.herald.kafka.group.GroupPeer}).
 *   <li><b>A failure</b> is decided on the thread that ends the delivery
 *       ({@code PartitionFailures}, which keeps each event's failures so far): a retry writes a
 *       {@code Retry} fact, and the poll thread seeks the partition back to the event (dropping
 *       what was fetched after it) and pauses it until due. A new owner reads the state partition
 *       to its end before it hands out anything, so attempts and due time survive a crash or a
 *       rebalance. The {@code Retry} facts below a commit are ended once that commit is durable
 *       (its callback), so a crash in between cannot bring an event back as attempt 1.
 *   <li><b>A dead letter</b> (the policy gives up, a reject, a record that is no CloudEvent) is
 *       written by {@link io.herald.delivery.DeadLetterWrite} while the partition is this
 *       member's; the commit passes the event only once Kafka has it. After a last failure the
 *       partition seeks past the event at once; after a reject the deliveries after it go on.
 *   <li><b>Redrives</b>: a {@code Redrive} fact's event goes before the partition's next event,
 *       one at a time; its fact is ended once it is acked or dead-lettered again. A verdict on a
 *       partition the member no longer owns changes nothing, nor does a nack or reject after the
 *       member went longer than its session without polling (it is presumed dead: Kafka's
 *       heartbeat thread has left the group, and the next poll would hear of it).
 * </ul>
 */
package io.herald.kafka.group;
