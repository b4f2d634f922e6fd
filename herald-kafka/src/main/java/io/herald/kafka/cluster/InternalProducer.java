package io.herald.kafka.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer of the records Herald writes for itself: subscription state facts (the engines'
 * and members' retry schedules and parked keys, the dead-letter queue's redrives and resolutions)
 * and dead letters; the one producer of such records, so they are written alike. Idempotent with {@code acks=all}, like the user's publishes, because a retry schedule
 * or a dead letter is acknowledged state: the event it is about counts as handled (or waits)
 * only once the record is on the in-sync replicas. One per broker connection; thread-safe.
 */
public final class InternalProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;

    public InternalProducer(Map<String, Object> clientBase, int maxRecordBytes) {
        Map<String, Object> p = new HashMap<>(clientBase);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "1");
        p.put("max.request.size", Integer.toString(maxRecordBytes));
        p.putIfAbsent("max.block.ms", "10000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Completes once the record is acknowledged, exceptionally if Kafka refused it. */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    done.complete(metadata);
                } else {
                    done.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Waits for the records sent so far (so that a clean close loses no retry schedule), then closes. */
    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
