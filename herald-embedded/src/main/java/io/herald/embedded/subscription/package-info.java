/**
 * The subscriptions of the embedded broker. {@link io.herald.embedded.subscription.SubscriptionCoordinator}
 * keeps their definitions (in the {@code MetadataStore}), runs the engine each ordering needs, and
 * answers list, describe, reset, delete and the dead-letter queues.
 *
 * <pre>
 *  subscribe, pullSubscriber ──define──▶ MetadataStore; a new one also gets its start cursors and dead-letter topic
 *     ├─ PARTITION ──▶ GroupCoordinator (package group): each consumer a member of the group
 *     └─ KEY, NONE ──▶ Dispatcher (package dispatch), one per subscription, shared by its
 *                      QueuePushConsumer and QueuePullConsumer instances
 *  deadLetters ──▶ EmbeddedDeadLetterQueue, whose Listener tells the running engines of redrives and unparks purged keys
 * </pre>
 *
 * A consumer with another definition (ordering, filter, retry policy, dead-letter topic, lease)
 * replaces it while the subscription has no consumer in this process, and is refused while it
 * has some; so are reset and delete. Replacing, resetting or deleting first stops the engine.
 */
package io.herald.embedded.subscription;
