package io.herald.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's peer of each {@link ServerBench} workload, with Kafka's own Java clients against the
 * broker process ({@link KafkaProcess}); record values are the events' structured JSON
 * ({@link WireEvents}), keys their partition keys. Producers: {@code acks=all} (idempotent, the
 * default), no compression; the batch producer with {@code linger.ms=5} and 256 KiB batches (as
 * the driver's), the single-event producer with {@code linger.ms=0}. Topics keep Kafka's default
 * flushing (no fsync per write), the peer of Herald's {@code fsync: never}.
 */
final class KafkaClientsSystem implements ServerSystem {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrap;
    private final Admin admin;
    /**
     * Producers per topic, closed when the run deletes its topic: a producer kept across runs
     * went on refreshing the metadata of the deleted topics it had written to, and its sends at
     * 1,000/s then had a p99 of 130-170 ms instead of 2-7 ms.
     */
    private final Map<String, KafkaProducer<byte[], byte[]>> batchProducers = new ConcurrentHashMap<>();
    private final Map<String, KafkaProducer<byte[], byte[]>> singleProducers = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    KafkaClientsSystem(String bootstrap) {
        this.bootstrap = bootstrap;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(KafkaUnderTest.BATCH_SIZE));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public String column() {
        return "Kafka";
    }

    @Override
    public void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        KafkaUnderTest.awaitLeaders(admin, topic, partitions);
    }

    @Override
    public void deleteTopic(String topic) throws Exception {
        for (Map<String, KafkaProducer<byte[], byte[]>> producers : List.of(batchProducers, singleProducers)) {
            KafkaProducer<byte[], byte[]> p = producers.remove(topic);
            if (p != null) {
                p.close(Duration.ofSeconds(5));
            }
        }
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void publishBatch(String topic, byte[][] events) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger(events.length);
        for (byte[] event : events) {
            batchProducers.computeIfAbsent(topic, t -> producer(5)).send(new ProducerRecord<>(topic, event), (metadata, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                } else if (pending.decrementAndGet() == 0) {
                    done.complete(null);
                }
            });
        }
        done.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void publishOne(String topic, String id, String key, long due) throws Exception {
        byte[] value = WireEvents.structured(id, key, due);
        singleProducers.computeIfAbsent(topic, t -> producer(0))
                .send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
                .get(60, TimeUnit.SECONDS);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String group, int maxPollRecords) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Receiver receiver(String topic, String subscription) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(subscription, HeraldHttpSystem.RECEIVE_MAX);
        consumer.subscribe(List.of(topic));
        return new Receiver() {
            @Override
            public int receiveAndAck() {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                if (records.isEmpty()) {
                    return 0;
                }
                consumer.commitSync();
                return records.count();
            }

            @Override
            public void close() {
                consumer.close(Duration.ofSeconds(5));
            }
        };
    }

    @Override
    public AutoCloseable follow(String topic, LongConsumer arrival) throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = consumer(null, 500);
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the end now: later events reach this consumer
        return loop("kafka-follow-" + topic, consumer, records -> {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                long due = WireEvents.due(r.value(), 0, r.value().length);
                if (due >= 0) {
                    arrival.accept(due);
                }
            }
        });
    }

    /**
     * A consumer group that POSTs each record (its value as an {@code application/cloudevents+json}
     * body) to {@code url}: each poll's records are grouped by key, the keys run side by side with
     * at most {@code concurrency} calls in flight (each key's records in order), and the offsets are
     * committed once the poll's records are all answered — the usual way to parallelise a Kafka
     * consumer past its partitions while keeping per-key order.
     */
    @Override
    public AutoCloseable pushTo(String topic, String subscription, URI url, int concurrency) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(subscription, 500);
        consumer.subscribe(List.of(topic));
        Semaphore calls = new Semaphore(concurrency);
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AutoCloseable loop = loop("kafka-push-" + topic, consumer, records -> {
            Map<String, List<byte[]>> byKey = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String key = r.key() == null ? "offset-" + r.partition() + "@" + r.offset() : new String(r.key(), StandardCharsets.UTF_8);
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r.value());
            }
            CountDownLatch done = new CountDownLatch(byKey.size());
            for (List<byte[]> chain : byKey.values()) {
                workers.execute(() -> {
                    try {
                        for (byte[] value : chain) {
                            post(url, value, calls);
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a POST to " + url + " failed: " + failure.get(), failure.get());
            }
            consumer.commitSync();
        });
        return () -> {
            loop.close();
            workers.shutdownNow();
        };
    }

    private void post(URI url, byte[] value, Semaphore calls) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(value)).build();
        calls.acquire();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status < 200 || status >= 300) {
                throw new IllegalStateException("POST " + url + " answered " + status);
            }
        } finally {
            calls.release();
        }
    }

    /**
     * Polls on a platform thread of its own until closed; the consumer is closed by that thread.
     * Closing the handle rethrows what ended the loop early, if anything did.
     */
    private static AutoCloseable loop(String name, KafkaConsumer<byte[], byte[]> consumer,
                                      java.util.function.Consumer<ConsumerRecords<byte[], byte[]>> handle) {
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name(name).daemon(true).start(() -> {
            try {
                while (running.get()) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    if (!records.isEmpty()) {
                        handle.accept(records);
                    }
                }
            } catch (WakeupException stopping) {
                // close() woke it
            } catch (RuntimeException e) {
                failed.set(e);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        });
        return () -> {
            running.set(false);
            consumer.wakeup();
            t.join(10_000);
            if (failed.get() != null) {
                throw new IllegalStateException(name + " failed: " + failed.get(), failed.get());
            }
        };
    }

    @Override
    public void close() {
        batchProducers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
        singleProducers.values().forEach(p -> p.close(Duration.ofSeconds(5)));
        admin.close(Duration.ofSeconds(5));
        http.shutdownNow();
    }
}
