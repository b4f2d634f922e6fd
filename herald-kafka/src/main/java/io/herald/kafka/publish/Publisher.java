package io.herald.kafka.publish;

import io.herald.broker.EventTooLargeException;
import io.herald.broker.Position;
import io.herald.broker.StorageException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.error.HeraldException;
import io.herald.event.Event;
import io.herald.kafka.codec.CloudEventsBinaryMode;
import io.herald.kafka.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Appends events with one idempotent producer ({@code acks=all}, so a future completes once the
 * in-sync replicas have the record; idempotence keeps per-partition call order with several
 * requests in flight). Herald picks the partition itself, so that it is the same on every backend:
 * {@link KeyPartitioner} (Kafka's murmur2 rule) for a keyed event, round robin per topic for the
 * others: Kafka's sticky partitioner would put a trickle of keyless events on one partition.
 * Every event is checked (topic known, size under the limit) before any is sent, so bad input
 * writes nothing. A batch is not a transaction: if the cluster fails part-way, the records already
 * acknowledged stay (no Kafka transactions; see Broker.publish(List)). Thread-safe.
 */
public final class Publisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final int maxEventBytes;
    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    public Publisher(Map<String, Object> clientBase, Topics topics, int maxEventBytes) {
        Map<String, Object> p = new java.util.HashMap<>(clientBase);
        p.putIfAbsent("linger.ms", "0"); // a lone publish goes at once; concurrent ones still batch while requests are in flight
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.request.size", Integer.toString(maxEventBytes + io.herald.kafka.topic.TopicConfigs.FRAMING_BYTES));
        p.putIfAbsent("max.block.ms", "10000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.maxEventBytes = maxEventBytes;
    }

    public CompletableFuture<Position> publish(String topic, Event event) {
        ProducerRecord<byte[], byte[]> record = toRecord(topic, topics.partitions(topic), event);
        return send(record);
    }

    public CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
        int partitions = topics.partitions(topic);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        for (Event event : events) {
            records.add(toRecord(topic, partitions, event)); // all checked before the first is sent
        }
        // one future for the batch, completed when every record is answered (with the first
        // failure, if any): not a future per record and a tree of allOf futures over them
        CompletableFuture<List<Position>> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.complete(List.of());
            return done;
        }
        Position[] positions = new Position[records.size()];
        AtomicInteger pending = new AtomicInteger(records.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < records.size(); i++) {
            int index = i;
            send(records.get(i), (position, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                } else {
                    positions[index] = position;
                }
                if (pending.decrementAndGet() == 0) { // each answer's write happens before its decrement
                    if (failure.get() != null) {
                        done.completeExceptionally(failure.get());
                    } else {
                        done.complete(List.of(positions));
                    }
                }
            });
        }
        return done;
    }

    private ProducerRecord<byte[], byte[]> toRecord(String topic, int partitions, Event event) {
        byte[] key = CloudEventsBinaryMode.key(event);
        byte[] value = CloudEventsBinaryMode.value(event);
        Headers headers = CloudEventsBinaryMode.headers(event);
        long size = CloudEventsBinaryMode.encodedSize(key, value, headers);
        if (size > maxEventBytes) {
            throw new EventTooLargeException(event.id(), size, maxEventBytes);
        }
        int partition = event.partitionKey()
                .map(k -> KeyPartitioner.partition(k, partitions))
                .orElseGet(() -> Math.floorMod(roundRobin.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement(), partitions));
        return new ProducerRecord<>(topic, partition, key, value, headers);
    }

    private CompletableFuture<Position> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Position> future = new CompletableFuture<>();
        send(record, (position, error) -> {
            if (error == null) {
                future.complete(position);
            } else {
                future.completeExceptionally(error);
            }
        });
        return future;
    }

    /** Sends the record; {@code answer} gets its position or the failure as a Herald exception, once. */
    private void send(ProducerRecord<byte[], byte[]> record, BiConsumer<Position, HeraldException> answer) {
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    answer.accept(new Position(metadata.partition(), metadata.offset()), null);
                } else {
                    answer.accept(null, map(record.topic(), error));
                }
            });
        } catch (RuntimeException e) {
            answer.accept(null, map(record.topic(), e));
        }
    }

    private HeraldException map(String topic, Throwable error) {
        if (error instanceof UnknownTopicOrPartitionException
                || (error instanceof org.apache.kafka.common.errors.TimeoutException && String.valueOf(error.getMessage()).contains("not present in metadata"))) {
            topics.forget(topic);
            return new TopicNotFoundException(topic);
        }
        if (error instanceof RecordTooLargeException) {
            return new StorageException("Kafka refused a record of topic '" + topic + "' as too large: " + error.getMessage(), error);
        }
        return new StorageException("publish to topic '" + topic + "' failed: " + error.getMessage(), error);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
