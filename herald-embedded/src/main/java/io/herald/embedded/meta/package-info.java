/**
 * The embedded broker's own durable state, each store on a {@link io.herald.embedded.meta.StateLog} (a snapshot, then
 * changes; replayed at open, compacted by a fresh snapshot), in JSON: unknown fields ignored, missing settings defaulted.
 *
 * <pre>
 *  store                  directory              holds                                       durable
 *  MetadataStore          internal/metadata/0    TopicRecord, SubscriptionRecord             before the call returns
 *  CursorStore            internal/cursors/0     cursor + offsets finished above it          at the next flush
 *  DeliveryStateStore     internal/deliveries/0  failures and settlements above the cursor,  at the next flush
 *                                                parked keys, redrives, resolved dead letters and delayed events
 *  ProcessedEventStore    internal/processed/0   handled events within the retention         before the call returns
 * </pre>
 *
 * {@link io.herald.embedded.meta.CursorStore} and {@link io.herald.embedded.meta.DeliveryStateStore}
 * apply a change in memory at once; the broker flushes them every 20 ms and on close, so a crash
 * loses at most the changes since the last flush (for a cursor: redelivery, never loss).
 */
package io.herald.embedded.meta;
