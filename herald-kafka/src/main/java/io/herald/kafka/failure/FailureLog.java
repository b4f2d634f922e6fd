package io.herald.kafka.failure;

import io.herald.broker.Position;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.delivery.DeadLetterIntent;
import io.herald.delivery.DeadLetterWrite;
import io.herald.delivery.FailureRecord;
import io.herald.event.Event;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.cluster.InternalProducer;
import io.herald.kafka.codec.CloudEventsBinaryMode;
import io.herald.kafka.state.StateRecord;
import io.herald.kafka.topic.InternalTopics;
import io.herald.kafka.topic.Topics;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Where one subscription's failures are written in Kafka, so that none lives only in a process's
 * memory: retry schedules and parked keys as facts of its state topic, given-up events as dead
 * letters in its dead-letter topic ({@link DeadLetterFormat}, the same metadata as the embedded
 * backend). The dead-letter topic is made on the first dead letter, with the source topic's
 * partition count; a dead letter goes to its event's partition, so a key's dead letters keep
 * their order. Every write completes once Kafka acknowledged it. Thread-safe.
 */
public final class FailureLog {

    /** Admin calls (making the dead-letter topic) wait on a virtual thread, never on a caller holding a lock. */
    private static final Executor ADMIN = Executors.newVirtualThreadPerTaskExecutor();

    private final InternalProducer producer;
    private final Topics topics;
    private final String topic;
    private final String subscription;
    private final String stateTopic;
    private final String deadLetterTopic;
    private final DeadLetterLookup lookup;
    private volatile Integer deadLetterPartitions;

    public FailureLog(InternalProducer producer, Topics topics, Cluster cluster, Map<String, Object> clientBase, String topic,
                      String subscription, String deadLetterTopic) {
        this.producer = producer;
        this.topics = topics;
        this.topic = topic;
        this.subscription = subscription;
        this.stateTopic = InternalTopics.subscriptionState(topic, subscription);
        this.deadLetterTopic = deadLetterTopic;
        this.lookup = new DeadLetterLookup(cluster, clientBase, deadLetterTopic, topic, subscription);
    }

    public String stateTopic() {
        return stateTopic;
    }

    /** Records the event's failures and when it is due again; the retry waits for this write. */
    public CompletableFuture<RecordMetadata> retry(StateRecord.Retry fact) {
        return producer.send(StateRecord.write(stateTopic, fact));
    }

    /** Ends a fact (a retry schedule, a parked key, a redrive): a tombstone under its key. */
    public CompletableFuture<RecordMetadata> end(int partition, String key) {
        return producer.send(StateRecord.end(stateTopic, partition, key));
    }

    public CompletableFuture<RecordMetadata> park(StateRecord.Park fact) {
        return producer.send(StateRecord.write(stateTopic, fact));
    }

    /**
     * Appends the dead letter of {@code original}, which sits at {@code position} of the topic;
     * the event counts as handled only once this completes.
     */
    public CompletableFuture<RecordMetadata> deadLetter(Event original, Position position, FailureRecord failures, String reason) {
        return deadLetterPartitions().thenCompose(count -> send(original, position, failures, reason, count));
    }

    /**
     * The intent of the dead letter of the event at {@code position} whose Retry fact is
     * {@code retry}: recorded as that fact with the dead-letter partition's end, which the look
     * reads past. {@code resumed}: the intent an earlier owner recorded, or null.
     */
    public DeadLetterWrite.Intent intent(StateRecord.Retry retry, String reason, Position position, DeadLetterIntent resumed) {
        return new DeadLetterWrite.Intent() {
            private volatile Map<Integer, Long> ends = resumed == null ? null : resumed.ends();

            @Override
            public CompletableFuture<?> record() {
                return deadLetterPartitions()
                        .thenCompose(count -> lookup.ends(Math.floorMod(position.partition(), count)))
                        .thenCompose(now -> {
                            ends = now;
                            return retry(retry.deadLettering(new DeadLetterIntent(reason, now)));
                        });
            }

            @Override
            public CompletableFuture<Boolean> written() {
                return lookup.written(ends, position);
            }
        };
    }

    private CompletableFuture<Integer> deadLetterPartitions() {
        Integer known = deadLetterPartitions;
        return known != null ? CompletableFuture.completedFuture(known) : CompletableFuture.supplyAsync(this::ensureDeadLetterTopic, ADMIN);
    }

    private CompletableFuture<RecordMetadata> send(Event original, Position position, FailureRecord failures, String reason, int count) {
        Instant now = Instant.now();
        Event dead = DeadLetterFormat.write(original, topic, subscription, position, failures.attempts(),
                failures.firstFailure() == null ? now : failures.firstFailure(),
                failures.lastFailure() == null ? now : failures.lastFailure(), failures.errorClass(), failures.error(), reason);
        return producer.send(new ProducerRecord<>(deadLetterTopic, Math.floorMod(position.partition(), count),
                CloudEventsBinaryMode.key(dead), CloudEventsBinaryMode.value(dead), CloudEventsBinaryMode.headers(dead)));
    }

    /*
     * The first dead letters of a subscription come together (one per key that failed) and each
     * asks for the topic on its own virtual thread. Seen on the in-JVM Kafka: one made the topic
     * while another found it made and sent at once, before the leaders had their partitions; the
     * idempotent producer's first batch got NOT_LEADER, a later one was taken, and the retry of
     * the first was refused with OUT_OF_ORDER_SEQUENCE_NUMBER for good, so no dead letter of that
     * partition was ever written. One at a time in this process, the others find the count that
     * Topics.create caches only once every leader answered; a topic another process is making
     * is described, which also waits for every leader (ListOffsets).
     */
    private int ensureDeadLetterTopic() {
        synchronized (FailureLog.class) {
            Integer known = deadLetterPartitions;
            if (known != null) {
                return known;
            }
            int count;
            try {
                count = topics.partitions(deadLetterTopic);
            } catch (io.herald.broker.TopicNotFoundException missing) {
                try {
                    count = topics.create(deadLetterTopic, TopicSpec.partitions(topics.partitions(topic))).partitions().size();
                } catch (TopicExistsException raced) {
                    count = topics.describe(deadLetterTopic).partitions().size();
                }
            }
            deadLetterPartitions = count;
            return count;
        }
    }
}
