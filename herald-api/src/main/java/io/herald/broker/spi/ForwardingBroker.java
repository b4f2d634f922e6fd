package io.herald.broker.spi;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeliveryHandler;
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

/**
 * A broker that hands every call to another: the base of decorators, which override only what
 * they change (the server's metering, a test's outage switch). Thread-safe as the broker it wraps.
 */
public abstract class ForwardingBroker implements Broker {

    private final Broker delegate;

    protected ForwardingBroker(Broker delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The broker the calls go to. */
    protected final Broker delegate() {
        return delegate;
    }

    @Override
    public TopicInfo createTopic(String name, TopicSpec spec) {
        return delegate.createTopic(name, spec);
    }

    @Override
    public List<TopicInfo> listTopics() {
        return delegate.listTopics();
    }

    @Override
    public TopicInfo describeTopic(String name) {
        return delegate.describeTopic(name);
    }

    @Override
    public void deleteTopic(String name) {
        delegate.deleteTopic(name);
    }

    @Override
    public CompletableFuture<Position> publish(String topic, Event event) {
        return delegate.publish(topic, event);
    }

    @Override
    public CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
        return delegate.publish(topic, events);
    }

    @Override
    public CompletableFuture<Void> publishAt(String topic, List<Event> events, Instant deliverAt) {
        return delegate.publishAt(topic, events, deliverAt);
    }

    @Override
    public Subscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        return delegate.subscribe(topic, subscription, spec, handler);
    }

    @Override
    public PullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        return delegate.pullSubscriber(topic, subscription, spec);
    }

    @Override
    public TopicReader reader(String topic, StartPosition from) {
        return delegate.reader(topic, from);
    }

    @Override
    public List<SubscriptionInfo> listSubscriptions(String topic) {
        return delegate.listSubscriptions(topic);
    }

    @Override
    public SubscriptionInfo describeSubscription(String topic, String subscription) {
        return delegate.describeSubscription(topic, subscription);
    }

    @Override
    public void resetSubscription(String topic, String subscription, StartPosition to) {
        delegate.resetSubscription(topic, subscription, to);
    }

    @Override
    public void deleteSubscription(String topic, String subscription) {
        delegate.deleteSubscription(topic, subscription);
    }

    @Override
    public DeadLetterQueue deadLetters(String topic, String subscription) {
        return delegate.deadLetters(topic, subscription);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
