package io.herald.bench;

import io.herald.broker.Ordering;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.kafka.codec.CloudEventsBinaryMode;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka through its ordinary clients, against a broker in another JVM, with records in one of two
 * {@link RecordFormat}s. By default the record value is the event's {@link EventBinaryFormat}
 * encoding (encoded on the publishing thread, as Herald encodes it on the publishing thread), the
 * key its partition key or null; consumers decode each value back to an {@link Event}, as Herald's
 * deliveries do. So both systems move the same bytes and do the same per-event work at the edges.
 * {@link #withCloudEventsSdk()} is the same cluster with the records Herald's Kafka backend writes,
 * read as a raw-Kafka user of CloudEvents reads them.
 */
final class KafkaUnderTest implements BrokerUnderTest {

    /** How events become records and back. */
    enum RecordFormat {
        /** The event's {@link EventBinaryFormat} encoding as the value, no headers; consumers decode it to an {@link Event}. */
        HERALD_VALUE,
        /**
         * The record Herald's Kafka backend writes ({@link CloudEventsBinaryMode}: {@code ce_*} headers,
         * the data as the value, the partition key as the key); consumers deserialize it with the
         * CloudEvents SDK's Kafka binding ({@link CloudEventDeserializer}, in the consumer's poll) into a
         * {@link CloudEvent}: the like-for-like baseline of Herald's consumers, which decode the same
         * records into {@link Event}s. For throughput rows only: the bench's handler is given a stand-in
         * event ({@link #STAND_IN}, which never fails and carries no due time) and the CloudEvent is
         * what the application would use.
         */
        CLOUDEVENTS_SDK
    }

    /** What the handler of a {@link RecordFormat#CLOUDEVENTS_SDK} consumer is given: index {@link KeyedEvents#NEVER_FAILS}, due time 0. */
    private static final Event STAND_IN = KeyedEvents.event(KeyedEvents.NEVER_FAILS, 0, new java.util.SplittableRandom(1));

    /** The producer settings the comparison fixes (besides linger): acks=all, 256 KiB batches, no compression. */
    static final int BATCH_SIZE = 256 * 1024;
    static final int MAX_POLL_RECORDS = BrokerApiUnderTest.MAX_POLL;
    private static final Duration POLL_WAIT = Duration.ofMillis(100);
    /**
     * The acked consumer group commits what it processed at most this often (and when a poll comes
     * back empty): Herald's cursor commits reach its disk every 20 ms too, so both lose at most
     * 20 ms of acknowledgements (redelivered, never lost) in a crash.
     */
    static final long COMMIT_INTERVAL_NANOS = 20_000_000;

    private final String bootstrap;
    private final Admin admin;
    private final RecordFormat format;
    /** Whether {@link #close} closes the admin client: a {@link #withCloudEventsSdk()} view shares its owner's. */
    private final boolean ownsAdmin;
    /** Read by the CloudEvents consumers, so that no JIT can drop the work of deserializing. */
    private static volatile int consumedIds;

    KafkaUnderTest(String bootstrap) {
        this(bootstrap, Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)), RecordFormat.HERALD_VALUE, true);
    }

    private KafkaUnderTest(String bootstrap, Admin admin, RecordFormat format, boolean ownsAdmin) {
        this.bootstrap = bootstrap;
        this.admin = admin;
        this.format = format;
        this.ownsAdmin = ownsAdmin;
    }

    /** The same cluster and admin client with {@link RecordFormat#CLOUDEVENTS_SDK} records; closing it closes nothing. */
    KafkaUnderTest withCloudEventsSdk() {
        return new KafkaUnderTest(bootstrap, admin, RecordFormat.CLOUDEVENTS_SDK, false);
    }

    @Override
    public String name() {
        return format == RecordFormat.HERALD_VALUE ? "Kafka" : "Kafka + CloudEvents SDK";
    }

    @Override
    public void createTopic(String topic, int partitions, Durability durability) throws Exception {
        NewTopic t = new NewTopic(topic, partitions, (short) 1).configs(durability.kafkaTopicConfig());
        admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        awaitLeaders(admin, topic, partitions);
    }

    /**
     * Waits until every partition's leader answers a ListOffsets request. The controller reports
     * a topic created before the broker has opened its partitions; a producer that writes in that
     * gap gets NOT_LEADER_OR_FOLLOWER and (idempotent, as acks=all makes it) can then retry
     * OUT_OF_ORDER_SEQUENCE_NUMBER for minutes. ListOffsets goes to the leader and fails the same
     * way until it is ready, without writing anything.
     */
    static void awaitLeaders(Admin admin, String topic, int partitions) throws Exception {
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
                if (format == RecordFormat.CLOUDEVENTS_SDK) {
                    // Kafka's partitioner puts a key where Herald's KeyPartitioner does (murmur2)
                    return new ProducerRecord<>(topic, null, CloudEventsBinaryMode.key(event), CloudEventsBinaryMode.value(event),
                            CloudEventsBinaryMode.headers(event));
                }
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
        requireHeraldValue("pull consumers");
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
        requireHeraldValue("push consumers");
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

    /**
     * PARTITION and KEY: a consumer group of {@code consumers} {@code KafkaConsumer}s, one thread
     * each, auto-commit off, {@code commitAsync()} of what was processed, at most every 20 ms
     * ({@link #COMMIT_INTERVAL_NANOS}; committing after every poll cost Kafka 20-50 % here). A nack seeks the record's partition back to it and drops the rest
     * of that partition's batch, so it comes again in the next poll, in order. Kafka has no
     * key-level parallelism: KEY runs exactly as PARTITION. NONE: a share group of
     * {@code consumers} {@code KafkaShareConsumer}s (explicit acknowledgement, ACCEPT / RELEASE /
     * REJECT per record; the acknowledgements go with the next poll), the group set to start at
     * the earliest offset. Returns once the group is stable with every member and every partition
     * assigned.
     */
    @Override
    public AutoCloseable acked(String topic, String subscription, Ordering ordering, int consumers, AckedHandler handler)
            throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        ConsumerThreads threads = new ConsumerThreads();
        try {
            if (ordering == Ordering.NONE) {
                requireHeraldValue("share groups");
                ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, subscription);
                admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
                        new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                        .all().get(30, TimeUnit.SECONDS);
                for (int i = 0; i < consumers; i++) {
                    threads.startShare(subscription + "-" + i, shareConsumer(subscription), topic, handler);
                }
                awaitShareGroup(subscription, consumers, partitions, threads);
            } else {
                Set<Long> failedOnce = ConcurrentHashMap.newKeySet();
                for (int i = 0; i < consumers; i++) {
                    threads.startGroup(subscription + "-" + i, ackingConsumer(subscription), topic, handler, failedOnce);
                }
                awaitConsumerGroup(subscription, consumers, partitions, threads);
            }
        } catch (Exception e) {
            threads.close();
            throw e;
        }
        return threads;
    }

    @Override
    public String ackedShape(Ordering ordering, String consumers) {
        return ordering == Ordering.NONE
                ? "share group of " + consumers + " KafkaShareConsumers, ACCEPT per record"
                : "consumer group of " + consumers + " KafkaConsumers, commitAsync of processed records every 20 ms";
    }

    @SuppressWarnings("unchecked")
    private KafkaConsumer<byte[], Object> ackingConsumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        Deserializer<?> values = format == RecordFormat.HERALD_VALUE ? new ByteArrayDeserializer() : new CloudEventDeserializer();
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), (Deserializer<Object>) values);
    }

    private void requireHeraldValue(String what) {
        if (format != RecordFormat.HERALD_VALUE) {
            throw new UnsupportedOperationException(what + " read " + RecordFormat.HERALD_VALUE + " records only; "
                    + format + " is a baseline of consumer-group throughput rows");
        }
    }

    /** The event the bench's handler is given for a consumed record value (see {@link RecordFormat}). */
    private static Event handlerEvent(Object value) {
        if (value instanceof CloudEvent event) {
            consumedIds += event.getId().length();
            return STAND_IN;
        }
        byte[] bytes = (byte[]) value;
        return EventBinaryFormat.decode(bytes, 0, bytes.length);
    }

    private KafkaShareConsumer<byte[], byte[]> shareConsumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put("share.acknowledgement.mode", "explicit");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS));
        return new KafkaShareConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void awaitConsumerGroup(String group, int members, int partitions, ConsumerThreads threads) throws Exception {
        awaitGroup(group, threads, () -> {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS);
            int assigned = 0;
            for (MemberDescription m : d.members()) {
                assigned += m.assignment().topicPartitions().size();
            }
            return d.groupState() == GroupState.STABLE && d.members().size() == members && assigned == partitions
                    ? null : d.groupState() + ", " + d.members().size() + " members, " + assigned + " partitions assigned";
        });
    }

    private void awaitShareGroup(String group, int members, int partitions, ConsumerThreads threads) throws Exception {
        awaitGroup(group, threads, () -> {
            ShareGroupDescription d = admin.describeShareGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS);
            Set<TopicPartition> covered = new HashSet<>();
            for (ShareMemberDescription m : d.members()) {
                covered.addAll(m.assignment().topicPartitions());
            }
            return d.groupState() == GroupState.STABLE && d.members().size() == members && covered.size() == partitions
                    ? null : d.groupState() + ", " + d.members().size() + " members, " + covered.size() + " partitions covered";
        });
    }

    @FunctionalInterface
    private interface GroupCheck {
        /** null when ready, else what it looks like. */
        String notReady() throws Exception;
    }

    private static void awaitGroup(String group, ConsumerThreads threads, GroupCheck check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String state = "not described yet";
        while (System.nanoTime() < deadline) {
            threads.throwIfFailed();
            try {
                state = check.notReady();
                if (state == null) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException notYet) {
                state = notYet.getCause().toString();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Kafka group " + group + " not ready after 90 s: " + state);
    }

    /** The consumer threads of one {@link #acked} call; closing stops them (wakeup), commits and closes the consumers. */
    private static final class ConsumerThreads implements AutoCloseable {
        private final List<Thread> threads = new ArrayList<>();
        private final List<Runnable> wakeups = new ArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        void startGroup(String name, KafkaConsumer<byte[], Object> consumer, String topic, AckedHandler handler, Set<Long> failedOnce) {
            wakeups.add(consumer::wakeup);
            threads.add(Thread.ofPlatform().name("kafka-acked-" + name).start(() -> {
                try {
                    consumer.subscribe(List.of(topic));
                    long lastCommit = System.nanoTime();
                    boolean uncommitted = false;
                    while (!stop.get()) {
                        ConsumerRecords<byte[], Object> records = consumer.poll(POLL_WAIT);
                        if (records.isEmpty()) {
                            if (uncommitted) {
                                consumer.commitAsync();
                                uncommitted = false;
                                lastCommit = System.nanoTime();
                            }
                            continue;
                        }
                        for (TopicPartition tp : records.partitions()) {
                            for (ConsumerRecord<byte[], Object> r : records.records(tp)) {
                                long id = ((long) tp.partition() << 40) | r.offset();
                                Event event = handlerEvent(r.value());
                                boolean retried = !failedOnce.isEmpty() && failedOnce.remove(id);
                                Verdict verdict = handler.handle(event, retried ? 2 : 1);
                                if (verdict == Verdict.NACK) {
                                    failedOnce.add(id);
                                    consumer.seek(tp, r.offset()); // again in the next poll, and what follows it after it
                                    handler.ended(event, verdict);
                                    break;
                                }
                                handler.ended(event, verdict); // a reject has no dead-letter topic in Kafka: skipped
                            }
                        }
                        uncommitted = true;
                        if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL_NANOS) {
                            consumer.commitAsync();
                            uncommitted = false;
                            lastCommit = System.nanoTime();
                        }
                    }
                    consumer.commitSync(Duration.ofSeconds(10));
                } catch (WakeupException | InterruptedException closing) {
                    // closing
                } catch (Throwable e) {
                    if (!stop.get()) {
                        failure.compareAndSet(null, e);
                    }
                } finally {
                    consumer.close(Duration.ofSeconds(10));
                }
            }));
        }

        void startShare(String name, KafkaShareConsumer<byte[], byte[]> consumer, String topic, AckedHandler handler) {
            wakeups.add(consumer::wakeup);
            threads.add(Thread.ofPlatform().name("kafka-share-" + name).start(() -> {
                try {
                    consumer.subscribe(List.of(topic));
                    while (!stop.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL_WAIT)) {
                            Event event = EventBinaryFormat.decode(r.value(), 0, r.value().length);
                            Verdict verdict = handler.handle(event, r.deliveryCount().map(Short::intValue).orElse(1));
                            consumer.acknowledge(r, switch (verdict) {
                                case ACK -> AcknowledgeType.ACCEPT;
                                case NACK -> AcknowledgeType.RELEASE;
                                case REJECT -> AcknowledgeType.REJECT;
                            });
                            handler.ended(event, verdict);
                        }
                    }
                    consumer.commitSync(Duration.ofSeconds(10));
                } catch (WakeupException | InterruptedException closing) {
                    // closing
                } catch (Throwable e) {
                    if (!stop.get()) {
                        failure.compareAndSet(null, e);
                    }
                } finally {
                    consumer.close(Duration.ofSeconds(10));
                }
            }));
        }

        void throwIfFailed() {
            if (failure.get() != null) {
                throw new IllegalStateException("a Kafka consumer failed: " + failure.get(), failure.get());
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                if (!t.join(Duration.ofSeconds(30))) {
                    wakeups.forEach(Runnable::run);
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            throwIfFailed();
        }
    }

    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(Duration.ofSeconds(10));
        }
    }
}
