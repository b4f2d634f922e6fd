package io.herald.jdbc;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.StorageException;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real broker behind a switch: while {@link #available} is false every publish fails, half of
 * them at once (an exception) and half through the future, as a broker outage looks to a
 * publisher. Everything else goes straight to the broker underneath.
 */
public class ControlledBroker implements Broker {

    private final Broker broker;
    public volatile boolean available = true;
    private final AtomicInteger refused = new AtomicInteger();

    public ControlledBroker(Broker broker) {
        this.broker = broker;
    }

    /** Publishes refused so far. */
    public int refused() {
        return refused.get();
    }

    private void checkAvailable() {
        if (!available && refused.incrementAndGet() % 2 == 0) {
            throw new StorageException("the broker is unavailable (test outage)");
        }
    }

    @Override
    public CompletableFuture<Position> publish(String topic, Event event) {
        checkAvailable();
        return available ? broker.publish(topic, event)
                : CompletableFuture.failedFuture(new StorageException("the broker is unavailable (test outage)"));
    }

    @Override
    public CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
        checkAvailable();
        return available ? broker.publish(topic, events)
                : CompletableFuture.failedFuture(new StorageException("the broker is unavailable (test outage)"));
    }

    @Override
    public CompletableFuture<Void> publishAt(String topic, List<Event> events, Instant deliverAt) {
        return broker.publishAt(topic, events, deliverAt);
    }

    @Override
    public TopicInfo createTopic(String name, TopicSpec spec) {
        return broker.createTopic(name, spec);
    }

    @Override
    public List<TopicInfo> listTopics() {
        return broker.listTopics();
    }

    @Override
    public TopicInfo describeTopic(String name) {
        return broker.describeTopic(name);
    }

    @Override
    public void deleteTopic(String name) {
        broker.deleteTopic(name);
    }

    @Override
    public Subscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        return broker.subscribe(topic, subscription, spec, handler);
    }

    @Override
    public PullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        return broker.pullSubscriber(topic, subscription, spec);
    }

    @Override
    public TopicReader reader(String topic, StartPosition from) {
        return broker.reader(topic, from);
    }

    @Override
    public List<SubscriptionInfo> listSubscriptions(String topic) {
        return broker.listSubscriptions(topic);
    }

    @Override
    public SubscriptionInfo describeSubscription(String topic, String subscription) {
        return broker.describeSubscription(topic, subscription);
    }

    @Override
    public void resetSubscription(String topic, String subscription, StartPosition to) {
        broker.resetSubscription(topic, subscription, to);
    }

    @Override
    public void deleteSubscription(String topic, String subscription) {
        broker.deleteSubscription(topic, subscription);
    }

    @Override
    public DeadLetterQueue deadLetters(String topic, String subscription) {
        return broker.deadLetters(topic, subscription);
    }

    @Override
    public void close() {
        broker.close();
    }
}
