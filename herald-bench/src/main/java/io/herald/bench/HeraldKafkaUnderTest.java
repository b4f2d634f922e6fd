package io.herald.bench;

import io.herald.broker.DeadLetters;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.kafka.KafkaBroker;
import io.herald.kafka.KafkaConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Herald's Kafka backend ({@link KafkaBroker}, herald-kafka) on the same Kafka broker as
 * {@link KafkaUnderTest}: the Broker API over kafka-clients, measured against those clients used
 * directly. Its results go to the Herald column of the {@code kafka-backend} rows.
 *
 * <p>Its producer gets the raw producer's settings through client properties ({@code linger.ms}
 * {@value #LINGER_MS}, {@value KafkaUnderTest#BATCH_SIZE}-byte batches, no compression; Herald
 * itself sets acks=all and idempotence), so that the comparison is of the two code paths, not of
 * two producer tunings. Herald has one producer per broker connection: the {@code linger} a
 * workload asks of {@link #publisher} is that one.
 */
final class HeraldKafkaUnderTest implements BrokerUnderTest {

    static final long LINGER_MS = 5;

    private final KafkaBroker broker;
    private final Duration lease;

    HeraldKafkaUnderTest(String bootstrapServers, Duration lease) {
        this.broker = KafkaBroker.connect(KafkaConfig.of(bootstrapServers)
                .clientProperty("linger.ms", Long.toString(LINGER_MS))
                .clientProperty("batch.size", Integer.toString(KafkaUnderTest.BATCH_SIZE))
                .clientProperty("compression.type", "none"));
        this.lease = lease;
    }

    @Override
    public String name() {
        return "Herald on Kafka";
    }

    @Override
    public String column() {
        return "Herald";
    }

    @Override
    public void createTopic(String topic, int partitions, Durability durability) {
        broker.createTopic(topic, TopicSpec.partitions(partitions).fsync(durability.heraldPolicy()));
    }

    /** Deletes the topic (its subscriptions' consumer groups with it) and its subscriptions' dead-letter topics. */
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
                List<Delivery> deliveries = subscriber.poll(HeraldUnderTest.MAX_POLL, Duration.ofMillis(100));
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

    /** See {@link AckedSubscribers}: the same subscribers as on the embedded broker. */
    @Override
    public AutoCloseable acked(String topic, String subscription, Ordering ordering, int consumers, AckedHandler handler)
            throws InterruptedException {
        return AckedSubscribers.open(broker, topic, subscription, ordering, consumers, AckedSubscribers.spec(ordering, lease), handler);
    }

    @Override
    public String ackedShape(Ordering ordering, String consumers) {
        return ordering == Ordering.PARTITION
                ? consumers + " push subscribers of one subscription (a consumer group of " + consumers + " KafkaConsumers)"
                : "1 push subscriber, concurrency " + consumers;
    }

    @Override
    public void close() {
        broker.close();
    }
}
