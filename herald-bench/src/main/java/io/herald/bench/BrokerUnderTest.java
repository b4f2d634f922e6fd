package io.herald.bench;

import io.herald.broker.Ordering;
import io.herald.event.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One of the systems a workload runs against, reduced to what the workloads need, so that
 * one load generator drives both and the two see exactly the same load. {@link HeraldUnderTest}
 * is the embedded broker in this JVM; {@link KafkaUnderTest} talks to a {@link KafkaProcess};
 * {@link HeraldKafkaUnderTest} is Herald's Kafka backend on that same Kafka broker.
 */
interface BrokerUnderTest extends AutoCloseable {

    /** What the progress log calls it. */
    String name();

    /** "Herald" or "Kafka": the column the results go to. */
    default String column() {
        return name();
    }

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

    /**
     * {@code consumers} consumers of a new subscription with the given ordering, from the earliest
     * event, that end every delivery with the handler's verdict (ack, nack, reject). Returns once
     * every consumer is in the group and the partitions are assigned; the first events may still
     * take a moment (a Kafka share group's first fetch). Closing stops them all. What each system
     * runs for an ordering is its {@link #ackedShape}.
     */
    AutoCloseable acked(String topic, String subscription, Ordering ordering, int consumers, AckedHandler handler)
            throws Exception;

    /** How {@link #acked} consumes with this ordering and this many consumers, for the result table. */
    String ackedShape(Ordering ordering, String consumers);

    @Override
    void close() throws Exception;

    /** How a delivery ended. */
    enum Verdict { ACK, NACK, REJECT }

    /** The application's work in a reliable-delivery workload; called on consumer threads, many at once. */
    interface AckedHandler {
        /** Handles one delivery ({@code attempt} 1 = its first) and says how it ended. */
        Verdict handle(Event event, int attempt) throws InterruptedException;

        /** Called right after the verdict was handed to the broker (the ack call returned). */
        void ended(Event event, Verdict verdict);
    }

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
