package io.herald.bench;

import io.herald.broker.DeadLetters;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/** The embedded broker on a fresh data directory, in this JVM; the directory is deleted on close. */
final class HeraldUnderTest implements BrokerUnderTest {

    /** The same as the Kafka consumer's {@code max.poll.records}, so both pull the same amounts. */
    static final int MAX_POLL = 500;
    private static final Duration POLL_WAIT = Duration.ofMillis(100);
    /** The reliable-delivery workloads retry a nack at once: they measure the mechanism, not a configured backoff. */
    static final RetryPolicy IMMEDIATE_RETRY = RetryPolicy.DEFAULT.backoff(Duration.ZERO, 1.0, Duration.ZERO);

    private final Path dataDir;
    private final EmbeddedBroker broker;
    private final Duration lease;

    HeraldUnderTest(Path dataDir) {
        this(dataDir, SubscriptionSpec.DEFAULT_LEASE);
    }

    /** {@code lease}: the lease duration of the KEY and NONE subscriptions {@link #acked} makes. */
    HeraldUnderTest(Path dataDir, Duration lease) {
        this.dataDir = dataDir;
        this.broker = EmbeddedBroker.open(dataDir);
        this.lease = lease;
    }

    EmbeddedBroker broker() {
        return broker;
    }

    @Override
    public String name() {
        return "Herald";
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
        // the member owns every partition once subscribe returns: it is the group's only member
        return broker.subscribe(topic, subscription, SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST),
                delivery -> sink.accept(delivery.event()));
    }

    /** See {@link AckedSubscribers}: the same subscribers as on Herald's Kafka backend. */
    @Override
    public AutoCloseable acked(String topic, String subscription, Ordering ordering, int consumers, AckedHandler handler)
            throws InterruptedException {
        return AckedSubscribers.open(broker, topic, subscription, ordering, consumers, AckedSubscribers.spec(ordering, lease), handler);
    }

    @Override
    public String ackedShape(Ordering ordering, String consumers) {
        return ordering == Ordering.PARTITION
                ? consumers + " push subscribers of one subscription"
                : "1 push subscriber, concurrency " + consumers;
    }

    @Override
    public void close() throws IOException {
        broker.close();
        deleteRecursively(dataDir);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
