/**
 * Delayed events on the embedded broker ({@code Broker.publishAt} and {@code publishAfter}; an
 * event already due is published at once). {@link io.herald.embedded.delay.DelayedEvents} keeps
 * them in an internal log until due, then appends them to their topic: until then no
 * subscription and no reader sees them.
 *
 * <pre>
 *  schedule(topic, events, at) ──▶ internal/delayed/0: version, deliver-at, topic, event (fsync every batch)
 *                                      │ one releaser thread, in (deliver-at, offset) order, once due
 *                                      ▼
 *                     Topic.publish, awaited ──▶ DeliveryStateStore: the offset resolved under "__delayed"
 *                                            ──▶ the log trimmed below the lowest unresolved offset
 * </pre>
 *
 * A restart reloads the records not resolved. A crash between an append and its resolution
 * releases that event again (at least once, never lost); an event for a deleted topic is dropped.
 */
package io.herald.embedded.delay;
