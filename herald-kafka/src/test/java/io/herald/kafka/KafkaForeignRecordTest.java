package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.KafkaConfig;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A record that is no CloudEvent (written by a plain Kafka producer) in a subscribed topic: every
 * ordering dead-letters it as it is (its bytes in a stand-in event) and goes on with the events
 * behind it. A PARTITION push subscriber used to
 * stop for good on it (the decode's exception ended its poll loop), a PARTITION pull subscriber
 * threw it to its caller.
 */
class KafkaForeignRecordTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static InJvmKafka kafka;
    private static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
        broker = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
        kafka.close();
    }

    @Test
    void aPartitionPushSubscriberGoesOnBehindARecordThatIsNoCloudEvent() {
        String topic = "foreign-push";
        prepare(topic);
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Subscriber s = broker.subscribe(topic, "audit", SubscriptionSpec.ordering(Ordering.PARTITION).startAt(StartPosition.EARLIEST),
                d -> handled.add(d.event().id()))) {
            await().atMost(WAIT).until(() -> handled.contains("after"));
        }
        assertThat(handled).containsExactly("before", "after");
        await().atMost(WAIT).until(() -> broker.describeSubscription(topic, "audit").lag() == 0);
        assertDeadLettered(topic);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void theKeyAndNoneEngineDeadLettersARecordThatIsNoCloudEvent(Ordering ordering) {
        String topic = "foreign-" + ordering.name().toLowerCase(java.util.Locale.ROOT);
        prepare(topic);
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Subscriber s = broker.subscribe(topic, "audit", SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST),
                d -> handled.add(d.event().id()))) {
            await().atMost(WAIT).until(() -> handled.containsAll(List.of("before", "after")));
            assertDeadLettered(topic);
        }
    }

    private static void assertDeadLettered(String topic) {
        await().atMost(WAIT).until(() -> broker.deadLetters(topic, "audit").count(DeadLetterSelector.all()) == 1);
        DeadLetter letter = broker.deadLetters(topic, "audit").list(DeadLetterSelector.all(), 10).getFirst();
        assertThat(letter.originalPosition()).isEqualTo(new Position(0, 1));
        assertThat(letter.reason()).startsWith("not a CloudEvent");
        assertThat(letter.event().type()).isEqualTo(io.herald.kafka.read.RecordEvents.UNDECODABLE_TYPE);
        assertThat(letter.event().dataAsString()).isEqualTo("not a cloud event");
    }

    @Test
    void aPartitionPullSubscriberGoesOnBehindARecordThatIsNoCloudEvent() {
        String topic = "foreign-pull";
        prepare(topic);
        List<String> handled = new ArrayList<>();
        try (PullSubscriber s = broker.pullSubscriber(topic, "audit", SubscriptionSpec.ordering(Ordering.PARTITION)
                .startAt(StartPosition.EARLIEST))) {
            await().atMost(WAIT).until(() -> {
                for (Delivery d : s.poll(10, Duration.ofMillis(100))) {
                    handled.add(d.event().id());
                    d.ack();
                }
                return handled.contains("after");
            });
            assertThat(handled).containsExactly("before", "after");
            await().atMost(WAIT).until(() -> {
                s.poll(10, Duration.ofMillis(50)); // the member commits in its polls
                return broker.describeSubscription(topic, "audit").lag() == 0;
            });
        }
        assertDeadLettered(topic);
    }

    private static void prepare(String topic) {
        broker.createTopic(topic, TopicSpec.partitions(1));
        broker.publish(topic, event("before")).join();
        try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            plain.send(new ProducerRecord<>(topic, 0, null, "not a cloud event".getBytes(StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        broker.publish(topic, event("after")).join();
    }

    private static Event event(String id) {
        return Event.builder().id(id).source("/test").type("t").json("{}").build();
    }
}
