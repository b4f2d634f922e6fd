package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.Position;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.state.StateRecord;
import io.herald.kafka.state.StateTopicReader;
import io.herald.kafka.state.StateTopics;
import io.herald.kafka.topic.InternalTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading a state topic to its end on a real Kafka: what is live, where a read stops, that it ends while writes go on. */
class StateTopicReaderTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private static InJvmKafka kafka;
    private static Cluster cluster;
    private static KafkaProducer<byte[], byte[]> producer;

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

    @Test
    void liveFactsAreTheLastFactUnderEachKeyWithoutTheEndedOnes() {
        String state = stateTopic(2);
        send(StateRecord.write(state, new StateRecord.Park(0, "k1", 3)));
        send(StateRecord.write(state, new StateRecord.Park(1, "k2", 4)));
        send(StateRecord.write(state, new StateRecord.Resolved(1, "t.s.dlq", new Position(1, 7))));
        send(StateRecord.write(state, new StateRecord.Park(0, "k1", 9)));
        send(StateRecord.end(state, 1, "park/k2"));

        Map<String, StateRecord> live = reader(r -> r.liveFacts(state, 2));

        assertThat(live).containsOnlyKeys("park/k1", "resolved/t.s.dlq/1/7");
        assertThat(live.get("park/k1")).isEqualTo(new StateRecord.Park(0, "k1", 9));
        assertThat(live.get("resolved/t.s.dlq/1/7")).isEqualTo(new StateRecord.Resolved(1, "t.s.dlq", new Position(1, 7)));
    }

    @Test
    void anEmptyTopicIsReadAtOnceAndAReadStopsWhereItsCallerSays() {
        String state = stateTopic(1);
        Map<String, StateRecord> none = reader(r -> r.liveFacts(state, 1));
        assertThat(none).isEmpty();
        for (int i = 0; i < 10; i++) {
            send(StateRecord.write(state, new StateRecord.Park(0, "k" + i, i)));
        }
        List<Long> offsets = new ArrayList<>();
        reader(r -> {
            r.read(Map.of(new TopicPartition(state, 0), 4L), record -> {
                offsets.add(record.offset());
                return offsets.size() < 3;
            });
            return null;
        });
        assertThat(offsets).containsExactly(4L, 5L, 6L);
    }

    @Test
    void aReadEndsAtTheEndItFoundWhileWritesGoOn() throws Exception {
        String state = stateTopic(1);
        for (int i = 0; i < 100; i++) {
            send(StateRecord.write(state, new StateRecord.Park(0, "before-" + i, i)));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; writing.get(); i++) {
                send(StateRecord.write(state, new StateRecord.Park(0, "during-" + i, i)));
            }
        });
        try {
            Map<String, StateRecord> live = reader(r -> r.liveFacts(state, 1));
            assertThat(live.keySet()).filteredOn(k -> k.startsWith("park/before-")).hasSize(100);
        } finally {
            writing.set(false);
            writer.get();
        }
    }

    private static String stateTopic(int partitions) {
        String topic = "state-" + NAMES.incrementAndGet();
        new StateTopics(cluster, (short) 1).ensure(topic, "s", partitions);
        return InternalTopics.subscriptionState(topic, "s");
    }

    private static <T> T reader(java.util.function.Function<StateTopicReader, T> use) {
        try (StateTopicReader reader = new StateTopicReader(cluster, Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return use.apply(reader);
        }
    }

    private static void send(ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
