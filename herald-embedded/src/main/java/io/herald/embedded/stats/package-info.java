/**
 * Statistics the embedded engines keep in memory for a subscription's {@code SubscriptionInfo.Stats}.
 * {@link io.herald.embedded.stats.AckRate} counts acks in sixty one-second buckets and gives the
 * mean over the last minute ({@code ackedPerSecond}). Each engine holds one and records an ack as
 * it takes effect: the {@code KEY}/{@code NONE} {@code Dispatcher} (package {@code dispatch}) and
 * the {@code PARTITION} {@code SubscriptionGroup} (package {@code group}).
 *
 * The rate is not persisted: it starts at 0 with its engine (after a restart, or when an idle
 * subscription's engine was retired), and a subscription without a running engine reports 0.
 */
package io.herald.embedded.stats;
