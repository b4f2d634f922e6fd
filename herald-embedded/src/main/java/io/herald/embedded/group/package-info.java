/**
 * Ordering {@code PARTITION} on the embedded broker: consumer groups. A subscription's consumers
 * (push or pull) are the members of its group ({@link io.herald.embedded.group.GroupCoordinator}
 * runs one per subscription); each partition is held by one member at a time, which delivers its
 * events in offset order, one failure holding up only its own partition.
 *
 * <pre>
 *  SubscriptionGroup: partition p goes to member p mod n (join order); it moves by commit, release, acquire
 *
 *  CursorStore ──acquire──▶ Claim of p ──next──▶ PartitionDelivery ──────────────────────────▶ PushMember / PullMember
 *      ▲                      ▲    ▲                                                               │
 *      │                      │    └── rewind; wait until due ◀── Retry ◀── FailureHandling ◀──────┤ nack / exception
 *      │                      │                                     └─▶ DeliveryStateStore         │
 *      │                      │                                                │ DeadLetter        │ reject
 *      │                      │                                                ▼                   │
 *      │                      └── acked once on disk ◀───────────────── DeadLetterSink ◀───────────┤
 *      │                                                                                           │ ack
 *      └── commit each poll (holder only) ◀── AckTracker: acked below the watermark ◀──────────────┘
 * </pre>
 *
 * <ul>
 *   <li><b>The cursor</b> is the claim's watermark, below which every offset is acked. A member
 *       commits it to the {@link io.herald.embedded.meta.CursorStore} at each poll, before it
 *       releases a partition, and when it leaves; the group takes a commit only from the holder.
 *       A partition moves in two steps (the old holder commits and releases it at its next poll,
 *       then the new one acquires it at the cursor), so two members never read it at once.
 *   <li><b>A session</b>: each poll, and a delivery's {@code extend}, is a sign of life; a member
 *       silent (and not in a poll) for longer than its session timeout is evicted, its partitions
 *       freed without its commit, so what it had not committed is delivered again. If it polls
 *       again it rejoins as a new member.
 *   <li><b>A failure</b> rewinds the claim to the failed offset and bumps its epoch, so a push
 *       member skips the deliveries already handed out after it; the partition waits out the
 *       backoff (a nack's delay replaces it). Attempts and due time are in the
 *       {@link io.herald.embedded.meta.DeliveryStateStore}, read when a claim is acquired: a
 *       restart or a move neither resets the count nor delivers the event before it is due.
 *   <li><b>A dead letter</b> (the policy gives up, or a reject) holds the partition until the
 *       {@link io.herald.embedded.deadletter.DeadLetterSink} has it on disk; then the event counts
 *       as acked. A failed write delivers the event again a second later. Events the filter does
 *       not match are acked without a delivery; dead letters redriven to the subscription go one
 *       at a time before the partition's next event.
 * </ul>
 */
package io.herald.embedded.group;
