package io.herald.bench;

import io.herald.event.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One of the two systems a workload runs against, reduced to what the workloads need, so that
 * one load generator drives both and the two see exactly the same load. {@link HeraldUnderTest}
 * is the embedded broker in this JVM; {@link KafkaUnderTest} talks to a {@link KafkaProcess}.
 */
interface BrokerUnderTest extends AutoCloseable {

    /** "Herald" or "Kafka": the column the results go to. */
    String name();

    void createTopic(String topic, int partitions, Durability durability) throws Exception;

    void deleteTopic(String topic) throws Exception;

    /**
     * A publisher for one run. {@code linger} is the Kafka producer's {@code linger.ms}; Herald
     * has no such knob (its partition writer batches whatever is queued, group commit).
     */
    TopicPublisher publisher(String topic, Duration linger) throws Exception;

    /** A pull consumer of a new subscription (Kafka: a new consumer group) from the earliest event. */
    PullConsumer pull(String topic, String subscription) throws Exception;

    /**
     * A push consumer of a new subscription from the earliest event: {@code sink} is called on
     * one thread for each event. Returns once the consumer owns its partitions.
     */
    AutoCloseable push(String topic, String subscription, EventSink sink) throws Exception;

    @Override
    void close() throws Exception;

    interface TopicPublisher extends AutoCloseable {
        /** Completes once the event is acknowledged (Herald: durable per fsync policy; Kafka: acks=all). */
        CompletableFuture<?> publish(Event event);

        /** Completes once all events are acknowledged. */
        CompletableFuture<?> publish(List<Event> events);

        @Override
        void close() throws Exception;
    }

    interface PullConsumer extends AutoCloseable {
        /** Hands what one poll returned to the sink (acknowledging it); returns how many. */
        int poll(EventSink sink) throws Exception;

        @Override
        void close() throws Exception;
    }

    @FunctionalInterface
    interface EventSink {
        void accept(Event event);
    }
}
