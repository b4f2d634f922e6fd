package io.herald.broker.spi;

import io.herald.broker.Broker;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Names;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The argument checks every backend owes the caller, made once: a closed broker refuses every
 * call with a {@link BrokerClosedException} naming it, null arguments (and null events in a list)
 * are refused before anything happens, and subscription names obey {@link Names}. A backend
 * implements the {@code do...} methods and sees only checked arguments; topic names, which every
 * backend resolves in its own registry, are checked there. {@link #close()} runs
 * {@link #doClose()} once, whoever calls it and however often.
 */
public abstract class AbstractBroker implements Broker {

    private final AtomicBoolean closed = new AtomicBoolean();

    /** Which broker this is, for errors: "the embedded broker on /var/lib/herald". */
    protected abstract String describe();

    /** Throws {@link BrokerClosedException} once {@link #close()} was called; for a backend's own public methods. */
    protected final void checkOpen() {
        if (closed.get()) {
            throw new BrokerClosedException(describe());
        }
    }

    protected final boolean isClosed() {
        return closed.get();
    }

    @Override
    public final TopicInfo createTopic(String name, TopicSpec spec) {
        checkOpen();
        Objects.requireNonNull(spec, "spec");
        return doCreateTopic(name, spec);
    }

    @Override
    public final List<TopicInfo> listTopics() {
        checkOpen();
        return doListTopics();
    }

    @Override
    public final TopicInfo describeTopic(String name) {
        checkOpen();
        return doDescribeTopic(name);
    }

    @Override
    public final void deleteTopic(String name) {
        checkOpen();
        doDeleteTopic(name);
    }

    @Override
    public final CompletableFuture<Position> publish(String topic, Event event) {
        checkOpen();
        Objects.requireNonNull(event, "event");
        return doPublish(topic, event);
    }

    @Override
    public final CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
        checkOpen();
        requireEvents(events);
        return doPublish(topic, events);
    }

    @Override
    public final CompletableFuture<Void> publishAt(String topic, List<Event> events, Instant deliverAt) {
        checkOpen();
        requireEvents(events);
        Objects.requireNonNull(deliverAt, "deliverAt");
        return doPublishAt(topic, events, deliverAt);
    }

    @Override
    public final Subscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        checkOpen();
        Names.requireValidSubscription(subscription);
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(handler, "handler");
        return doSubscribe(topic, subscription, spec, handler);
    }

    @Override
    public final PullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        checkOpen();
        Names.requireValidSubscription(subscription);
        Objects.requireNonNull(spec, "spec");
        return doPullSubscriber(topic, subscription, spec);
    }

    @Override
    public final TopicReader reader(String topic, StartPosition from) {
        checkOpen();
        Objects.requireNonNull(from, "from");
        return doReader(topic, from);
    }

    @Override
    public final List<SubscriptionInfo> listSubscriptions(String topic) {
        checkOpen();
        return doListSubscriptions(topic);
    }

    @Override
    public final SubscriptionInfo describeSubscription(String topic, String subscription) {
        checkOpen();
        return doDescribeSubscription(topic, subscription);
    }

    @Override
    public final void resetSubscription(String topic, String subscription, StartPosition to) {
        checkOpen();
        Objects.requireNonNull(to, "to");
        doResetSubscription(topic, subscription, to);
    }

    @Override
    public final void deleteSubscription(String topic, String subscription) {
        checkOpen();
        doDeleteSubscription(topic, subscription);
    }

    @Override
    public final DeadLetterQueue deadLetters(String topic, String subscription) {
        checkOpen();
        Names.requireValidSubscription(subscription);
        return doDeadLetters(topic, subscription);
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            doClose();
        }
    }

    private static void requireEvents(List<Event> events) {
        Objects.requireNonNull(events, "events");
        for (Event e : events) {
            Objects.requireNonNull(e, "events contains null");
        }
    }

    protected abstract TopicInfo doCreateTopic(String name, TopicSpec spec);

    protected abstract List<TopicInfo> doListTopics();

    protected abstract TopicInfo doDescribeTopic(String name);

    protected abstract void doDeleteTopic(String name);

    protected abstract CompletableFuture<Position> doPublish(String topic, Event event);

    protected abstract CompletableFuture<List<Position>> doPublish(String topic, List<Event> events);

    protected abstract CompletableFuture<Void> doPublishAt(String topic, List<Event> events, Instant deliverAt);

    protected abstract Subscriber doSubscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler);

    protected abstract PullSubscriber doPullSubscriber(String topic, String subscription, SubscriptionSpec spec);

    protected abstract TopicReader doReader(String topic, StartPosition from);

    protected abstract List<SubscriptionInfo> doListSubscriptions(String topic);

    protected abstract SubscriptionInfo doDescribeSubscription(String topic, String subscription);

    protected abstract void doResetSubscription(String topic, String subscription, StartPosition to);

    protected abstract void doDeleteSubscription(String topic, String subscription);

    protected abstract DeadLetterQueue doDeadLetters(String topic, String subscription);

    /** Releases the backend's resources; called once, by the first {@link #close()}. */
    protected abstract void doClose();
}
