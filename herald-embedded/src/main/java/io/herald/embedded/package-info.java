/**
 * The embedded broker: the Broker API in one JVM on a data directory, on Herald's own log
 * ({@code herald-log}). {@link io.herald.embedded.EmbeddedBroker} opens the directory (holding its
 * {@code LOCK} file, so a second process is refused) and wires the packages below;
 * {@link io.herald.embedded.EmbeddedBackendProvider} lets {@code Herald.embedded(dir)} find it
 * through {@code ServiceLoader}.
 *
 * <pre>
 *  EmbeddedBroker ─┬─ topics, publish, readers ──────▶ topic (TopicRegistry ─▶ Topic ─▶ Partition: a log and its writer thread)
 *                  ├─ subscriptions ─────────────────▶ subscription ─▶ group (PARTITION), dispatch (KEY, NONE)
 *                  ├─ dead-letter queues ────────────▶ subscription ─▶ deadletter
 *                  ├─ publishAt, publishAfter ───────▶ delay (internal/delayed/0 until due)
 *                  └─ definitions, cursors, delivery states, processed events ──▶ meta (internal/*)
 *  maintenance thread: flushes cursors and delivery states every 20 ms, evicts silent group
 *  members every 50 ms, runs retention at open and then every retention interval
 * </pre>
 */
package io.herald.embedded;
