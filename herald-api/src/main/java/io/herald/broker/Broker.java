package io.herald.broker;

import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Broker API: what every Herald backend (embedded, Kafka) implements, and what every
 * pattern (rules, outbox, sagas) is written against. All methods are thread-safe.
 *
 * <p>Errors are {@link io.herald.error.HeraldException}s that name the problem:
 * {@link TopicNotFoundException}, {@link TopicExistsException}, {@link InvalidNameException},
 * {@link InvalidSpecException}, {@link io.herald.event.InvalidEventException},
 * {@link EventTooLargeException}, {@link SubscriptionNotFoundException},
 * {@link SubscriptionActiveException}, {@link BrokerClosedException}. None of them changes state.
 *
 * <p>Each operation maps onto Kafka: topics onto topics, subscriptions with ordering
 * {@code PARTITION} onto consumer groups, {@link #resetSubscription} onto an offset reset of an
 * empty group, {@link #reader} onto {@code assign} and {@code seek}.
 */
public interface Broker extends AutoCloseable {

    // ---- topics

    /** Creates a topic; names are 1-249 of {@code [A-Za-z0-9._-]}, not starting with {@code __}. */
    TopicInfo createTopic(String name, TopicSpec spec);

    List<TopicInfo> listTopics();

    TopicInfo describeTopic(String name);

    /** Deletes the topic, its events and its subscriptions; open consumers of it are closed. */
    void deleteTopic(String name);

    // ---- publishing

    /**
     * Appends one event. The partition is chosen by the hash of the event's partition key (the
     * same hash as Kafka's default partitioner), round robin when it has none. The future
     * completes with the event's position once the write is as durable as the topic's
     * {@link FsyncPolicy} asks, or fails with a {@link io.herald.error.HeraldException}. Bad input
     * (unknown topic, oversized event, closed broker) throws at once instead.
     *
     * <p>Publishes to one partition from one thread are appended in call order, even when a call
     * is made before the previous one completed: a publisher may keep many in flight.
     */
    CompletableFuture<Position> publish(String topic, Event event);

    /**
     * Appends events together: each partition's share is written as one batch. The positions
     * are in the order of the events. All events are checked before any is written: one bad
     * event fails the whole call and nothing is appended.
     *
     * <p>The write itself is not atomic across partitions: if storage or the cluster fails
     * during it, the future fails and some partitions' shares may have been written (a retry
     * then duplicates them; consumers deduplicate by event id, see {@link ProcessedEvents}). The
     * embedded backend writes each partition's share as one batch, whole or not at all; on Kafka
     * a share may span producer batches, so even a partition's share may be cut.
     */
    CompletableFuture<List<Position>> publish(String topic, List<Event> events);

    /**
     * Publishes events to be delivered at {@code deliverAt}: they are kept durably and enter the
     * topic at that time (no subscription or reader sees them before), in the order given. The
     * future completes once they are stored as durably as the topic's policy asks. A time in the
     * past means now.
     */
    CompletableFuture<Void> publishAt(String topic, List<Event> events, Instant deliverAt);

    default CompletableFuture<Void> publishAt(String topic, Event event, Instant deliverAt) {
        return publishAt(topic, List.of(event), deliverAt);
    }

    default CompletableFuture<Void> publishAfter(String topic, Event event, Duration delay) {
        if (delay.isNegative()) {
            throw new InvalidSpecException("a delay cannot be negative, got " + delay);
        }
        return publishAt(topic, List.of(event), Instant.now().plus(delay));
    }

    // ---- consuming

    /**
     * Joins the subscription's group as a push consumer; the handler is called for each event of
     * the partitions this member owns, in offset order per partition. Creates the subscription
     * (with its cursor at {@code spec.start()}) if it does not exist: events published after this
     * method returns are delivered.
     */
    Subscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler);

    /** Joins the subscription's group as a pull consumer; see {@link #subscribe} for creation. */
    PullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec);

    /** Reads the topic from a position without a subscription. */
    TopicReader reader(String topic, StartPosition from);

    // ---- subscriptions

    /** The topic's subscriptions, with their cursors and lag. */
    List<SubscriptionInfo> listSubscriptions(String topic);

    SubscriptionInfo describeSubscription(String topic, String subscription);

    /**
     * Moves the subscription's cursor in every partition (a replay, or a skip ahead). The group
     * must have no active members: throws {@link SubscriptionActiveException} otherwise, as a
     * Kafka offset reset does.
     */
    void resetSubscription(String topic, String subscription, StartPosition to);

    /** Deletes the subscription and its cursors; throws {@link SubscriptionActiveException} if it has members. */
    void deleteSubscription(String topic, String subscription);

    /** The dead letters of a subscription: list, show, redrive, purge. */
    DeadLetterQueue deadLetters(String topic, String subscription);

    /** Stops consumers, completes or fails what is in flight, and releases the storage. */
    @Override
    void close();
}
