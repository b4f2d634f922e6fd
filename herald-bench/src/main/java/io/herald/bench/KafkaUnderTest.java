package io.herald.bench;

import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka through its ordinary clients, against a broker in another JVM. The record value is the
 * event's {@link EventBinaryFormat} encoding (encoded on the publishing thread, as Herald encodes
 * it on the publishing thread), the key its partition key or null; consumers decode each value
 * back to an {@link Event}, as Herald's deliveries do. So both systems move the same bytes and do
 * the same per-event work at the edges.
 */
final class KafkaUnderTest implements BrokerUnderTest {

    /** The producer settings the comparison fixes (besides linger): acks=all, 256 KiB batches, no compression. */
    static final int BATCH_SIZE = 256 * 1024;
    static final int MAX_POLL_RECORDS = HeraldUnderTest.MAX_POLL;
    private static final Duration POLL_WAIT = Duration.ofMillis(100);

    private final String bootstrap;
    private final Admin admin;

    KafkaUnderTest(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @Override
    public String name() {
        return "Kafka";
    }

    @Override
    public void createTopic(String topic, int partitions, Durability durability) throws Exception {
        NewTopic t = new NewTopic(topic, partitions, (short) 1).configs(durability.kafkaTopicConfig());
        admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        awaitLeaders(topic, partitions);
    }

    /**
     * Waits until every partition's leader answers a ListOffsets request. The controller reports
     * a topic created before the broker has opened its partitions; a producer that writes in that
     * gap gets NOT_LEADER_OR_FOLLOWER and (idempotent, as acks=all makes it) can then retry
     * OUT_OF_ORDER_SEQUENCE_NUMBER for minutes. ListOffsets goes to the leader and fails the same
     * way until it is ready, without writing anything.
     */
    private void awaitLeaders(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka topic " + topic + " has no ready leaders after 30 s", notYet);
                }
                Thread.sleep(20);
            }
        }
    }

    @Override
    public void deleteTopic(String topic) throws Exception {
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }

    @Override
    public TopicPublisher publisher(String topic, Duration linger) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(BATCH_SIZE));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        return new TopicPublisher() {
            @Override
            public CompletableFuture<?> publish(Event event) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                producer.send(record(event), (metadata, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(null);
                    }
                });
                return done;
            }

            @Override
            public CompletableFuture<?> publish(List<Event> events) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                AtomicInteger pending = new AtomicInteger(events.size());
                for (Event event : events) {
                    producer.send(record(event), (metadata, e) -> {
                        if (e != null) {
                            done.completeExceptionally(e);
                        } else if (pending.decrementAndGet() == 0) {
                            done.complete(null);
                        }
                    });
                }
                return done;
            }

            private ProducerRecord<byte[], byte[]> record(Event event) {
                byte[] key = event.partitionKey().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
                return new ProducerRecord<>(topic, key, EventBinaryFormat.encode(event));
            }

            @Override
            public void close() {
                producer.close(Duration.ofSeconds(30));
            }
        };
    }

    private KafkaConsumer<byte[], byte[]> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public PullConsumer pull(String topic, String subscription) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(subscription);
        consumer.subscribe(List.of(topic));
        return new PullConsumer() {
            @Override
            public int poll(EventSink sink) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_WAIT);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    sink.accept(EventBinaryFormat.decode(r.value(), 0, r.value().length));
                }
                return records.count();
            }

            @Override
            public void close() {
                consumer.close();
            }
        };
    }

    /** A consumer thread polling in a loop: Kafka's form of a push subscription. */
    @Override
    public AutoCloseable push(String topic, String subscription, EventSink sink) throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = consumer(subscription);
        CountDownLatch assigned = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("kafka-push-" + subscription).start(() -> {
            try {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        if (!partitions.isEmpty()) {
                            assigned.countDown();
                        }
                    }
                });
                while (true) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL_WAIT)) {
                        sink.accept(EventBinaryFormat.decode(r.value(), 0, r.value().length));
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (Throwable e) {
                failure.set(e);
                assigned.countDown();
            } finally {
                consumer.close();
            }
        });
        if (!assigned.await(60, TimeUnit.SECONDS) || failure.get() != null) {
            consumer.wakeup();
            thread.join();
            throw new IllegalStateException("Kafka consumer of " + topic + " got no partitions", failure.get());
        }
        return () -> {
            consumer.wakeup();
            thread.join();
        };
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
