package io.herald.kafka.delay;

import io.herald.broker.EventTooLargeException;
import io.herald.broker.StorageException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.error.HeraldException;
import io.herald.event.Event;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.codec.CloudEventsBinaryMode;
import io.herald.kafka.topic.InternalTopics;
import io.herald.kafka.topic.TopicConfigs;
import io.herald.kafka.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Events published for later on Kafka: each is kept in its topic's delay topic
 * ({@link DelayTopics}, {@link DelayRecord}) until a {@link DelayForwarder} (one per open broker,
 * sharing the work through a consumer group) moves it into its topic when due. Nothing lives only
 * in one process's memory: the event and its due time are in Kafka from the moment
 * {@link #schedule} completes, and the forwarders' progress is in committed offsets, so a crashed
 * process loses no event and no schedule.
 *
 * <p>An event goes to the delay partition numbered as the topic partition it will enter (its
 * key's partition, round robin for keyless events, as a publish), so the events of one call keep
 * their order per partition from the delay topic into the topic. Every event is checked (topic
 * known, size under the limit) before the delay topic is touched: bad input writes nothing.
 *
 * <p>Thread-safe.
 */
public final class DelayedEvents implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Topics topics;
    private final DelayTopics delayTopics;
    /** Null when this process does not release delayed events (see KafkaConfig.releasesDelayedEvents). */
    private final DelayForwarder forwarder;
    private final int maxEventBytes;
    private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

    private DelayedEvents(Map<String, Object> clientBase, Cluster cluster, Topics topics, short replicationFactor, int maxEventBytes,
                          boolean releases) {
        Map<String, Object> p = new HashMap<>(clientBase);
        p.putIfAbsent("linger.ms", "0");
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.request.size", Integer.toString(maxEventBytes + TopicConfigs.FRAMING_BYTES));
        p.putIfAbsent("max.block.ms", "10000");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.delayTopics = new DelayTopics(cluster, topics, replicationFactor, maxEventBytes);
        this.maxEventBytes = maxEventBytes;
        this.forwarder = releases ? new DelayForwarder(clientBase, producer, cluster, topics) : null;
    }

    /** Opens the producer and, if this process {@code releases} delayed events, starts its forwarder. */
    public static DelayedEvents start(Map<String, Object> clientBase, Cluster cluster, Topics topics, short replicationFactor,
                                      int maxEventBytes, boolean releases) {
        DelayedEvents delayed = new DelayedEvents(clientBase, cluster, topics, replicationFactor, maxEventBytes, releases);
        if (delayed.forwarder != null) {
            delayed.forwarder.start();
        }
        return delayed;
    }

    /**
     * Keeps {@code events} for {@code topic} until {@code due}; the future completes once the
     * delay topic's in-sync replicas have them all. Throws {@link TopicNotFoundException} or
     * {@link EventTooLargeException} at once, having written nothing.
     */
    public CompletableFuture<Void> schedule(String topic, List<Event> events, Instant due) {
        int partitions = topics.partitions(topic);
        String delayTopic = InternalTopics.delay(topic);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        for (Event event : events) {
            records.add(DelayRecord.of(delayTopic, partition(topic, partitions, event), topic, event, due)); // all checked before the first is sent
        }
        if (delayTopics.ensure(topic, partitions) && forwarder != null) {
            forwarder.delayTopicCreated();
        }
        List<CompletableFuture<Void>> acks = records.stream().map(r -> send(topic, r)).toList();
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    /** Deletes the delayed events of {@code topic} that are not due yet, with its delay topic. */
    public void deleteFor(String topic) {
        delayTopics.delete(topic);
    }

    private int partition(String topic, int partitions, Event event) {
        byte[] key = CloudEventsBinaryMode.key(event);
        long size = CloudEventsBinaryMode.encodedSize(key, CloudEventsBinaryMode.value(event), CloudEventsBinaryMode.headers(event));
        if (size > maxEventBytes) {
            throw new EventTooLargeException(event.id(), size, maxEventBytes);
        }
        return event.partitionKey()
                .map(k -> KeyPartitioner.partition(k, partitions))
                .orElseGet(() -> Math.floorMod(roundRobin.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement(), partitions));
    }

    private CompletableFuture<Void> send(String topic, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    future.complete(null);
                } else {
                    future.completeExceptionally(map(topic, record.topic(), error));
                }
            });
        } catch (RuntimeException e) {
            future.completeExceptionally(map(topic, record.topic(), e));
        }
        return future;
    }

    private HeraldException map(String topic, String delayTopic, Throwable error) {
        if (error instanceof UnknownTopicOrPartitionException
                || (error instanceof org.apache.kafka.common.errors.TimeoutException && String.valueOf(error.getMessage()).contains("not present in metadata"))) {
            delayTopics.forget(topic); // deleted by another process: the next call creates it again
            topics.forget(topic);
            return new StorageException("delay topic '" + delayTopic + "' of topic '" + topic + "' is gone (was the topic deleted?): "
                    + error.getMessage(), error);
        }
        return new StorageException("keeping delayed events of topic '" + topic + "' in '" + delayTopic + "' failed: " + error.getMessage(), error);
    }

    /** Stops this process's forwarder (its partitions go to the other processes) and the producer. */
    @Override
    public void close() {
        if (forwarder != null) {
            forwarder.close();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
