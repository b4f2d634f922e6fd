package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.KafkaConfig;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RedriveTarget;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.state.StateRecord;
import io.herald.kafka.state.StateTopicReader;
import io.herald.kafka.state.StateTopics;
import io.herald.kafka.topic.InternalTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka dead-letter queue on its own, without a subscription's engine: the dead letters are
 * written here as the engine writes them ({@link DeadLetterFormat} events published to the
 * dead-letter topic), and the facts the queue writes are read back from the state topic. One
 * in-JVM Kafka for the class; each test has its own topics.
 */
class KafkaDeadLetterQueueTest {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Instant FAILED = Instant.parse("2026-01-02T03:04:05Z");

    private static InJvmKafka kafka;
    private static Cluster cluster;
    private static KafkaProducer<byte[], byte[]> producer;

    private KafkaBroker broker;
    private String topic;
    private String dlq;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmKafka.start();
        cluster = new Cluster(Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers())), kafka.bootstrapServers(), Duration.ofSeconds(10));
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopKafka() throws Exception {
        producer.close();
        cluster.close();
        kafka.close();
    }

    @BeforeEach
    void connect() {
        broker = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
        topic = "orders-" + NAMES.incrementAndGet();
        broker.createTopic(topic, TopicSpec.partitions(2));
        dlq = topic + ".s.dlq";
    }

    @AfterEach
    void disconnect() {
        broker.close();
    }

    @Test
    void listsShowsAndCountsOnlyTheSubscriptionsUnresolvedDeadLettersInPositionOrder() {
        subscribe("s", SubscriptionSpec.defaults());
        broker.createTopic(dlq, TopicSpec.partitions(2));
        List<Position> ours = deadLetter("s", 6);
        Position theirs = deadLetter("other", 1).getFirst();
        Position notADeadLetter = broker.publish(dlq, event(99, "k9")).join();

        DeadLetterQueue queue = broker.deadLetters(topic, "s");
        assertThat(queue.topic()).isEqualTo(dlq);
        List<DeadLetter> all = queue.list(DeadLetterSelector.all(), 100);
        assertThat(all).extracting(DeadLetter::position).containsExactlyInAnyOrderElementsOf(ours);
        assertThat(all).extracting(DeadLetter::position).isSortedAccordingTo(Position::compareTo);
        assertThat(queue.count(DeadLetterSelector.all())).isEqualTo(6);
        assertThat(queue.list(DeadLetterSelector.all(), 4)).containsExactlyElementsOf(all.subList(0, 4));

        DeadLetter first = all.getFirst();
        assertThat(first.event().extensions()).containsOnlyKeys("partitionkey");
        assertThat(first.topic()).isEqualTo(topic);
        assertThat(first.subscription()).isEqualTo("s");
        assertThat(first.attempts()).isEqualTo(3);
        assertThat(first.errorClass()).contains("java.lang.IllegalStateException");
        assertThat(first.reason()).isEqualTo("failed 3 of 3 attempts");
        assertThat(first.lastFailure()).isEqualTo(FAILED);
        assertThat(queue.show(first.position())).contains(first);
        assertThat(queue.show(theirs)).isEmpty();
        assertThat(queue.show(notADeadLetter)).isEmpty();
        assertThat(queue.show(new Position(0, 1_000_000))).isEmpty();
        assertThat(queue.show(new Position(7, 0))).isEmpty();

        assertThat(queue.count(DeadLetterSelector.matching("{\"type\": [\"order.placed\"]}"))).isEqualTo(3);
        int p = first.position().partition();
        long inP = all.stream().filter(d -> d.position().partition() == p).count();
        assertThat(queue.list(DeadLetterSelector.range(p, 0, Long.MAX_VALUE - 1), 100)).hasSize((int) inP)
                .allMatch(d -> d.position().partition() == p);
        assertThat(queue.list(DeadLetterSelector.range(p, first.position().offset(), first.position().offset()), 100))
                .containsExactly(first);
        assertThat(queue.count(DeadLetterSelector.range(5, 0, 10))).isZero();
        assertThatThrownBy(() -> queue.list(DeadLetterSelector.all(), 0)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void aSubscriptionWithoutDeadLettersHasAnEmptyQueueAndUnknownNamesAreRefused() {
        subscribe("s", SubscriptionSpec.defaults());
        DeadLetterQueue queue = broker.deadLetters(topic, "s");
        assertThat(queue.list(DeadLetterSelector.all(), 10)).isEmpty(); // its dead-letter topic does not exist yet
        assertThat(queue.count(DeadLetterSelector.all())).isZero();
        assertThat(queue.purge(DeadLetterSelector.all())).isZero();
        assertThat(queue.show(new Position(0, 0))).isEmpty();
        assertThatThrownBy(() -> broker.deadLetters("no-such-topic", "s")).isInstanceOf(TopicNotFoundException.class)
                .hasMessageContaining("no-such-topic");
        assertThatThrownBy(() -> broker.deadLetters(topic, "nobody")).isInstanceOf(SubscriptionNotFoundException.class)
                .hasMessageContaining("nobody");
    }

    @Test
    void aCustomDeadLetterTopicSharedByTwoSubscriptionsKeepsTheirLettersApart() {
        String shared = "shared-dlq-" + NAMES.incrementAndGet();
        subscribe("s", SubscriptionSpec.defaults().deadLetterTopic(shared));
        subscribe("t", SubscriptionSpec.defaults().deadLetterTopic(shared));
        broker.createTopic(shared, TopicSpec.partitions(1));
        dlq = shared;
        deadLetter("s", 2);
        deadLetter("t", 3);
        DeadLetterQueue s = broker.deadLetters(topic, "s");
        DeadLetterQueue t = broker.deadLetters(topic, "t");
        assertThat(s.topic()).isEqualTo(shared);
        assertThat(s.count(DeadLetterSelector.all())).isEqualTo(2);
        assertThat(t.count(DeadLetterSelector.all())).isEqualTo(3);
        assertThat(s.purge(DeadLetterSelector.all())).isEqualTo(2);
        assertThat(s.count(DeadLetterSelector.all())).isZero();
        assertThat(t.count(DeadLetterSelector.all())).isEqualTo(3);
    }

    @Test
    void purgeHidesForGoodInAnyProcessAndUnparksAKeyOnceAllItsDeadLettersAreResolved() {
        subscribe("s", SubscriptionSpec.defaults());
        broker.createTopic(dlq, TopicSpec.partitions(2));
        deadLetter("s", 6); // keys k0, k1, k2, k0, k1, k2
        int statePartitions = new StateTopics(cluster, (short) 1).ensure(topic, "s", 2);
        String state = InternalTopics.subscriptionState(topic, "s");
        for (String key : List.of("k0", "k1")) {
            send(StateRecord.write(state, new StateRecord.Park(StateRecord.partitionOf(key, statePartitions), key, 0)));
        }
        DeadLetterQueue queue = broker.deadLetters(topic, "s");
        List<DeadLetter> k0 = queue.list(DeadLetterSelector.matching("{\"partitionkey\": [\"k0\"]}"), 10);
        assertThat(k0).hasSize(2);

        assertThat(queue.purge(DeadLetterSelector.range(k0.getFirst().position().partition(), k0.getFirst().position().offset(),
                k0.getFirst().position().offset()))).isEqualTo(1);
        assertThat(liveFacts(state)).containsKey("park/k0"); // k0 still has a dead letter
        assertThat(queue.purge(DeadLetterSelector.matching("{\"partitionkey\": [\"k0\"]}"))).isEqualTo(1);
        assertThat(liveFacts(state)).doesNotContainKey("park/k0").containsKey("park/k1");
        assertThat(liveFacts(state).values()).filteredOn(f -> f instanceof StateRecord.Resolved).hasSize(2);

        assertThat(queue.purge(DeadLetterSelector.matching("{\"type\": [\"order.cancelled\"]}"))).isEqualTo(2);
        assertThat(queue.count(DeadLetterSelector.all())).isEqualTo(2);
        assertThat(queue.show(k0.getFirst().position())).isEmpty();
        try (KafkaBroker another = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()))) {
            DeadLetterQueue seen = another.deadLetters(topic, "s");
            assertThat(seen.list(DeadLetterSelector.all(), 10)).extracting(d -> d.event().id()).containsExactlyInAnyOrder("e-2", "e-4");
            assertThat(seen.purge(DeadLetterSelector.all())).isEqualTo(2);
        }
        assertThat(queue.list(DeadLetterSelector.all(), 10)).isEmpty();
        assertThat(liveFacts(state)).doesNotContainKeys("park/k0", "park/k1", "park/k2");
    }

    @Test
    void aPurgeMakesTheStateTopicWhenItIsMissing() {
        subscribe("s", SubscriptionSpec.defaults());
        broker.createTopic(dlq, TopicSpec.partitions(2));
        deadLetter("s", 3);
        // opening a subscription makes its state topic; one from before it had one has none
        String state = InternalTopics.subscriptionState(topic, "s");
        if (new StateTopics(cluster, (short) 1).partitionsOf(state).isPresent()) {
            cluster.await(cluster.admin().deleteTopics(List.of(state)).all(), "deleting " + state);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> new StateTopics(cluster, (short) 1).partitionsOf(state).isEmpty());
        assertThat(broker.deadLetters(topic, "s").count(DeadLetterSelector.all())).isEqualTo(3);
        assertThat(broker.deadLetters(topic, "s").purge(DeadLetterSelector.all())).isEqualTo(3);
        assertThat(new StateTopics(cluster, (short) 1).partitionsOf(state)).contains(2);
        assertThat(cluster.await(cluster.admin().describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, state))).all(), "configs").values().iterator().next()
                .get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(broker.listTopics()).extracting(t -> t.name()).doesNotContain(state);
        assertThat(broker.deadLetters(topic, "s").count(DeadLetterSelector.all())).isZero();
    }

    @Test
    void aRedriveToATopicPublishesTheOriginalEventsInOrderThenEmptiesTheQueue() {
        subscribe("s", SubscriptionSpec.defaults());
        broker.createTopic(dlq, TopicSpec.partitions(1));
        deadLetter("s", 5);
        String target = "retry-" + NAMES.incrementAndGet();
        DeadLetterQueue queue = broker.deadLetters(topic, "s");

        assertThatThrownBy(() -> queue.redrive(DeadLetterSelector.all(), RedriveTarget.topic(dlq), DeadLetterQueue.Progress.NONE))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining(dlq);
        assertThatThrownBy(() -> queue.redrive(DeadLetterSelector.all(), RedriveTarget.topic(target), DeadLetterQueue.Progress.NONE))
                .isInstanceOf(TopicNotFoundException.class).hasMessageContaining(target);
        assertThat(queue.count(DeadLetterSelector.all())).isEqualTo(5); // nothing moved

        broker.createTopic(target, TopicSpec.partitions(1));
        List<long[]> progress = new ArrayList<>();
        assertThat(queue.redrive(DeadLetterSelector.all(), RedriveTarget.topic(target), (done, total) -> progress.add(new long[] {done, total})))
                .isEqualTo(5);
        assertThat(progress.getFirst()).containsExactly(0, 5);
        assertThat(progress.getLast()).containsExactly(5, 5);
        try (TopicReader reader = broker.reader(target, StartPosition.EARLIEST)) {
            List<StoredEvent> events = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                events.addAll(reader.poll(100, Duration.ofMillis(100)));
                return events.size() >= 5;
            });
            assertThat(events).extracting(e -> e.event().id()).containsExactly("e-0", "e-1", "e-2", "e-3", "e-4");
            assertThat(events).allSatisfy(e -> assertThat(e.event().extensions()).containsOnlyKeys("partitionkey"));
        }
        assertThat(queue.count(DeadLetterSelector.all())).isZero();
    }

    @Test
    void aRedriveToTheSubscriptionWritesRedriveFactsInPositionOrderInTheOriginalPartitionThenResolves() {
        subscribe("s", SubscriptionSpec.defaults());
        broker.createTopic(dlq, TopicSpec.partitions(2));
        deadLetter("s", 8);
        DeadLetterQueue queue = broker.deadLetters(topic, "s");
        List<DeadLetter> placed = queue.list(DeadLetterSelector.matching("{\"type\": [\"order.placed\"]}"), 100);
        List<long[]> progress = new ArrayList<>();

        assertThat(queue.redrive(DeadLetterSelector.matching("{\"type\": [\"order.placed\"]}"), RedriveTarget.subscription(),
                (done, total) -> progress.add(new long[] {done, total}))).isEqualTo(4);

        assertThat(progress.getLast()).containsExactly(4, 4);
        assertThat(queue.list(DeadLetterSelector.all(), 100)).hasSize(4).allMatch(d -> d.event().type().equals("order.cancelled"));
        String state = InternalTopics.subscriptionState(topic, "s");
        List<StateRecord.Redrive> redrives = new ArrayList<>();
        try (StateTopicReader reader = new StateTopicReader(cluster, Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            reader.readAll(List.of(new TopicPartition(state, 0), new TopicPartition(state, 1)), r -> {
                if (StateRecord.read(r).fact().orElse(null) instanceof StateRecord.Redrive d) {
                    redrives.add(d);
                }
            });
        }
        assertThat(redrives).hasSize(4).allSatisfy(r -> assertThat(r.deadLetterTopic()).isEqualTo(dlq));
        for (DeadLetter d : placed) {
            StateRecord.Redrive r = redrives.stream().filter(x -> x.deadLetter().equals(d.position())).findFirst().orElseThrow();
            assertThat(r.partition()).isEqualTo(d.originalPosition().partition());
            assertThat(r.event()).isEqualTo(d.event());
        }
        for (int p = 0; p < 2; p++) { // each state partition holds its redrives in dead-letter position order
            int partition = p;
            assertThat(redrives.stream().filter(r -> r.partition() == partition).map(StateRecord.Redrive::deadLetter).toList())
                    .isSortedAccordingTo(Position::compareTo);
        }
    }

    @Test
    void statsCountDeadLettersRetriesAtOrAboveTheCursorAndRedrives() {
        subscribe("s", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST));
        broker.createTopic(dlq, TopicSpec.partitions(2));
        deadLetter("s", 4);
        assertThat(broker.describeSubscription(topic, "s").stats()).isEqualTo(new SubscriptionInfo.Stats(0, 0, 4, 0, 0));

        broker.deadLetters(topic, "s").redrive(DeadLetterSelector.matching("{\"type\": [\"order.placed\"]}"),
                RedriveTarget.subscription(), DeadLetterQueue.Progress.NONE);
        String state = InternalTopics.subscriptionState(topic, "s");
        long committed = broker.describeSubscription(topic, "s").cursors().getFirst().committed();
        assertThat(committed).isZero(); // from EARLIEST, nothing consumed
        Instant now = Instant.now();
        send(StateRecord.write(state, new StateRecord.Retry(0, StateRecord.Source.TOPIC, 0, 1, now, now, now, null, null, null)));
        send(StateRecord.write(state, new StateRecord.Retry(0, StateRecord.Source.TOPIC, 1, 1, now, now, now, "E", "x", null)));
        send(StateRecord.write(state, new StateRecord.Retry(1, StateRecord.Source.REDRIVE, 7, 2, now, now, now, null, null, null)));
        send(StateRecord.end(state, 0, StateRecord.retryKey(StateRecord.Source.TOPIC, 1))); // acked since

        SubscriptionInfo info = broker.describeSubscription(topic, "s");
        assertThat(info.stats()).isEqualTo(new SubscriptionInfo.Stats(0, 2, 2, 2, 0));
        assertThat(broker.listSubscriptions(topic)).extracting(SubscriptionInfo::stats).containsExactly(info.stats());

        // a retry below the committed cursor is a leftover of an event acked for good
        String keyOfPartition0 = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "key" + i)
                .filter(k -> io.herald.broker.spi.KeyPartitioner.partition(k, 2) == 0).findFirst().orElseThrow();
        broker.publish(topic, event(9, keyOfPartition0)).join();
        broker.resetSubscription(topic, "s", StartPosition.LATEST);
        SubscriptionInfo after = broker.describeSubscription(topic, "s");
        assertThat(after.cursors().getFirst().committed()).isPositive();
        assertThat(after.stats().retrying()).isEqualTo(1);
    }

    // ---- helpers

    private void subscribe(String subscription, SubscriptionSpec spec) {
        try (PullSubscriber ignored = broker.pullSubscriber(topic, subscription, spec)) {
            // creating it commits its cursor with the spec as metadata
        }
    }

    /** Publishes {@code count} events to the topic and writes each as a dead letter of {@code subscription}. */
    private List<Position> deadLetter(String subscription, int count) {
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Event original = event(i, "k" + (i % 3));
            Position at = broker.publish(topic, original).join();
            Event letter = DeadLetterFormat.write(original, topic, subscription, at, 3, FAILED.minusSeconds(5), FAILED,
                    "java.lang.IllegalStateException", "boom " + i, "failed 3 of 3 attempts");
            positions.add(broker.publish(dlq, letter).join());
        }
        return positions;
    }

    private static Event event(int n, String key) {
        return Event.builder().id("e-" + n).type(n % 2 == 0 ? "order.placed" : "order.cancelled").source("/shop")
                .partitionKey(key).json("{\"n\": " + n + "}").build();
    }

    private static void send(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, StateRecord> liveFacts(String state) {
        try (StateTopicReader reader = new StateTopicReader(cluster, Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return reader.liveFacts(state, 2);
        }
    }
}
