/**
 * Topics of the embedded broker at run time. {@link io.herald.embedded.topic.TopicRegistry} holds
 * them: their definitions in the {@code MetadataStore}, their logs under
 * {@code topics/<name>/<partition>/} (a definition is written before its logs are made and removed
 * before they are deleted), and retention. A {@link io.herald.embedded.topic.Topic} routes each
 * publish to a {@link io.herald.embedded.topic.Partition}, a log owned by one writer thread.
 *
 * <pre>
 *  publish ─▶ Topic: partition = KeyPartitioner(key), round robin without a key; EventEncoder checks
 *               │ sizes on the caller's thread, every event of a batch before any is written
 *               ▼
 *             Partition p: LogWriter thread ─▶ log (segments, or memory for an ephemeral topic) ─▶ listeners: Wakeup.fire
 *               │
 *               ▼ PartitionFetcher: reads forward a fetch at a time (past retention: from the oldest event held)
 *                 for EmbeddedTopicReader (a TopicReader over every partition) and the subscription engines
 * </pre>
 */
package io.herald.embedded.topic;
