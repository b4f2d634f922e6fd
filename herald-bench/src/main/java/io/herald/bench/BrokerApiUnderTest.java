package io.herald.bench;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetters;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Herald measured through its Broker API, whichever backend is behind it: the embedded broker
 * ({@link HeraldUnderTest}) or the Kafka backend ({@link HeraldKafkaUnderTest}) drive the same
 * topics, publishers, pull and push consumers and acked subscribers.
 */
abstract class BrokerApiUnderTest implements BrokerUnderTest {

    /** The same as the Kafka consumer's {@code max.poll.records}, so both pull the same amounts. */
    static final int MAX_POLL = 500;
    private static final Duration POLL_WAIT = Duration.ofMillis(100);

    private final Broker broker;
    private final Duration lease;

    /** {@code lease}: the lease duration of the KEY and NONE subscriptions {@link #acked} makes. */
    BrokerApiUnderTest(Broker broker, Duration lease) {
        this.broker = broker;
        this.lease = lease;
    }

    @Override
    public void createTopic(String topic, int partitions, Durability durability) {
        broker.createTopic(topic, TopicSpec.partitions(partitions).fsync(durability.heraldPolicy()));
    }

    /** Deletes the topic and the dead-letter topics its subscriptions made ({@code <topic>.<subscription>.dlq}). */
    @Override
    public void deleteTopic(String topic) {
        broker.deleteTopic(topic);
        for (TopicInfo t : broker.listTopics()) {
            if (t.name().startsWith(topic + ".") && t.name().endsWith(DeadLetters.SUFFIX)) {
                broker.deleteTopic(t.name());
            }
        }
    }

    @Override
    public TopicPublisher publisher(String topic, Duration linger) {
        return new TopicPublisher() {
            @Override
            public CompletableFuture<?> publish(Event event) {
                return broker.publish(topic, event);
            }

            @Override
            public CompletableFuture<?> publish(List<Event> events) {
                return broker.publish(topic, events);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public PullConsumer pull(String topic, String subscription) {
        PullSubscriber subscriber = broker.pullSubscriber(topic, subscription, SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST));
        return new PullConsumer() {
            @Override
            public int poll(EventSink sink) {
                List<Delivery> deliveries = subscriber.poll(MAX_POLL, POLL_WAIT);
                for (Delivery d : deliveries) {
                    sink.accept(d.event());
                    d.ack();
                }
                return deliveries.size();
            }

            @Override
            public void close() {
                subscriber.close();
            }
        };
    }

    @Override
    public AutoCloseable push(String topic, String subscription, EventSink sink) {
        return broker.subscribe(topic, subscription, SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST),
                delivery -> sink.accept(delivery.event()));
    }

    /** See {@link AckedSubscribers}: the same subscribers on either backend. */
    @Override
    public AutoCloseable acked(String topic, String subscription, Ordering ordering, int consumers, AckedHandler handler)
            throws InterruptedException {
        return AckedSubscribers.open(broker, topic, subscription, ordering, consumers, AckedSubscribers.spec(ordering, lease), handler);
    }

}
