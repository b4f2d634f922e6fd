package io.herald.kafka.failure;

import io.herald.broker.Position;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.event.MalformedEventException;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.cluster.ReaderSettings;
import io.herald.kafka.read.RecordEvents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Looks in one subscription's dead-letter topic for what a dead letter's intent may have written:
 * where a partition ends now (the intent records it before the write), and whether a dead letter
 * of an event lies past a recorded end. A look is rare (after a write that failed, or when a new
 * owner resumes an intent), so it opens a reader for the time it takes; an end is one ListOffsets
 * call on the cluster's admin client. Both wait on virtual threads, never on the caller's.
 */
final class DeadLetterLookup {

    private static final Executor LOOKS = Executors.newVirtualThreadPerTaskExecutor();

    private final Cluster cluster;
    private final Map<String, Object> clientBase;
    private final String deadLetterTopic;
    private final String topic;
    private final String subscription;

    DeadLetterLookup(Cluster cluster, Map<String, Object> clientBase, String deadLetterTopic, String topic, String subscription) {
        this.cluster = cluster;
        this.clientBase = clientBase;
        this.deadLetterTopic = deadLetterTopic;
        this.topic = topic;
        this.subscription = subscription;
    }

    /** The next offset of partition {@code partition} of the dead-letter topic. */
    CompletableFuture<Map<Integer, Long>> ends(int partition) {
        TopicPartition tp = new TopicPartition(deadLetterTopic, partition);
        return CompletableFuture.supplyAsync(() -> Map.of(partition, cluster.await(
                cluster.admin().listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp), "reading the end of " + tp).offset()), LOOKS);
    }

    /** Whether a dead letter this subscription wrote for the event at {@code original} lies at or past {@code ends}. */
    CompletableFuture<Boolean> written(Map<Integer, Long> ends, Position original) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return look(ends, original);
            } catch (TimeoutException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, LOOKS);
    }

    private boolean look(Map<Integer, Long> ends, Position original) throws TimeoutException {
        Duration timeout = cluster.timeout();
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(ReaderSettings.of(clientBase),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (Map.Entry<Integer, Long> from : ends.entrySet()) {
                TopicPartition tp = new TopicPartition(deadLetterTopic, from.getKey());
                long end = reader.endOffsets(List.of(tp), timeout).get(tp);
                reader.assign(List.of(tp));
                reader.seek(tp, from.getValue());
                long deadline = System.nanoTime() + timeout.toNanos();
                while (reader.position(tp, timeout) < end) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new TimeoutException("reading " + tp + " up to offset " + end + " took longer than " + timeout);
                    }
                    for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100)).records(tp)) {
                        if (record.offset() < end && isDeadLetterOf(record, original)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    private boolean isDeadLetterOf(ConsumerRecord<byte[], byte[]> record, Position original) {
        try {
            return DeadLetterFormat.isDeadLetterOf(RecordEvents.stored(record), topic, subscription, original);
        } catch (MalformedEventException notOurs) {
            return false; // written to the topic by someone else
        }
    }
}
