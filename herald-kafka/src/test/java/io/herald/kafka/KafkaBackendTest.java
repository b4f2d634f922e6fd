package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.Herald;
import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the conformance suite does not say: the records on the wire (events, dead letters), state topics, the ServiceLoader entry. */
class KafkaBackendTest {

    private static InJvmKafka kafka;
    private static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
        broker = Herald.open(KafkaConfig.of(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
        kafka.close();
    }

    @Test
    void heraldIsFoundThroughHeraldOpen() {
        assertThat(broker).isInstanceOf(KafkaBroker.class);
    }

    @Test
    void anEventIsARecordInCloudEventsBinaryModeThatPlainKafkaConsumersRead() {
        broker.createTopic("wire", TopicSpec.partitions(4));
        Event event = Event.builder().id("w-1").source("/shop").type("order.placed").subject("o/1")
                .json("{\"total\":5}").partitionKey("customer-9").correlationId("c-1").build();
        Position position = broker.publish("wire", event).join();
        try (KafkaConsumer<byte[], byte[]> plain = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("wire", position.partition());
            plain.assign(List.of(tp));
            plain.seek(tp, position.offset());
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                plain.poll(Duration.ofMillis(100)).forEach(records::add);
                return !records.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> r = records.getFirst();
            Map<String, String> headers = new HashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("customer-9");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":5}");
            assertThat(headers).containsEntry("ce_specversion", "1.0").containsEntry("ce_id", "w-1")
                    .containsEntry("ce_type", "order.placed").containsEntry("ce_source", "/shop").containsEntry("ce_subject", "o/1")
                    .containsEntry("content-type", "application/json").containsEntry("ce_correlationid", "c-1");
            assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        }
    }

    @Test
    void aKeyedRecordFromAPlainProducerLandsWhereHeraldPutsTheKey() throws Exception {
        broker.createTopic("keys", TopicSpec.partitions(7));
        try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 30; i++) {
                String key = "account-" + i;
                RecordMetadata kafkaChoice = plain.send(new ProducerRecord<>("keys", key.getBytes(StandardCharsets.UTF_8), new byte[1])).get();
                Position heraldChoice = broker.publish("keys", Event.builder().type("t").source("/s").partitionKey(key).build()).join();
                assertThat(heraldChoice.partition()).as(key).isEqualTo(kafkaChoice.partition());
            }
        }
    }

    @Test
    void aPullNackComesAgainWithTheNextAttemptAndTheEventsAfterItFollowInOrder() {
        broker.createTopic("nacks", TopicSpec.partitions(1));
        for (int i = 0; i < 5; i++) {
            broker.publish("nacks", Event.builder().type("t").source("/s").id("n-" + i).build()).join();
        }
        List<String> seen = new ArrayList<>();
        try (PullSubscriber sub = broker.pullSubscriber("nacks", "retrying", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Delivery d : sub.poll(10, Duration.ofMillis(100))) {
                    seen.add(d.event().id() + "#" + d.attempt());
                    if (d.event().id().equals("n-2") && d.attempt() == 1) {
                        d.nack(Duration.ofMillis(50));
                    } else {
                        d.ack();
                    }
                }
                return seen.contains("n-2#2") && seen.lastIndexOf("n-4#1") > seen.indexOf("n-2#2");
            });
        }
        // n-3 and n-4 may have been handed out once before the rewind; after it, the order is the log's
        int retry = seen.indexOf("n-2#2");
        assertThat(retry).isPositive();
        assertThat(seen.subList(retry, seen.size())).containsExactly("n-2#2", "n-3#1", "n-4#1");
        assertThat(broker.describeSubscription("nacks", "retrying").lag()).isZero();
    }

    @Test
    void aSubscriptionExistsWithItsCursorBeforeAnyMemberJoined() {
        broker.createTopic("early", TopicSpec.partitions(2));
        for (int i = 0; i < 4; i++) {
            broker.publish("early", Event.builder().type("t").source("/s").build()).join();
        }
        broker.pullSubscriber("early", "never-polled", SubscriptionSpec.defaults()).close();
        assertThat(broker.listSubscriptions("early")).extracting(i -> i.name()).containsExactly("never-polled");
        var info = broker.describeSubscription("early", "never-polled");
        assertThat(info.lag()).isZero(); // created at "latest": the four events before it are not its
        assertThat(info.members()).isEmpty();
        broker.publish("early", Event.builder().type("t").source("/s").build()).join();
        assertThat(broker.describeSubscription("early", "never-polled").lag()).isEqualTo(1);
    }

    @Test
    void anotherProcessDescribesTheSubscriptionWithTheSpecItWasOpenedWith() {
        broker.createTopic("specs", TopicSpec.partitions(2));
        SubscriptionSpec spec = SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST).sessionTimeout(Duration.ofSeconds(3)).maxAttempts(7);
        broker.publish("specs", Event.builder().type("t").source("/s").build()).join();
        try (PullSubscriber sub = broker.pullSubscriber("specs", "billing", spec)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                sub.poll(10, Duration.ofMillis(100)).forEach(Delivery::ack);
                return sub.poll(1, Duration.ZERO).isEmpty() && !sub.assignment().isEmpty();
            });
        }
        try (KafkaBroker other = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()))) {
            var info = other.describeSubscription("specs", "billing");
            assertThat(info.spec()).isEqualTo(spec);
            other.resetSubscription("specs", "billing", StartPosition.EARLIEST);
            assertThat(other.describeSubscription("specs", "billing").spec()).isEqualTo(spec);
            assertThat(other.describeSubscription("specs", "billing").lag()).isEqualTo(1);
        }
    }

    @Test
    void aSubscriptionsStateTopicIsCompactedHasItsTopicsPartitionsIsNotListedAndGoesWithIt() throws Exception {
        broker.createTopic("stateful", TopicSpec.partitions(3));
        String state = io.herald.kafka.topic.InternalTopics.subscriptionState("stateful", "s");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            try (PullSubscriber ignored = broker.pullSubscriber("stateful", "s", SubscriptionSpec.ordering(Ordering.KEY))) {
                var description = admin.describeTopics(List.of(state)).allTopicNames().get().get(state);
                assertThat(description.partitions()).hasSize(3);
                var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, state);
                assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                        .isEqualTo("compact");
                assertThat(broker.listTopics()).extracting(io.herald.broker.TopicInfo::name).doesNotContain(state);
            }
            broker.deleteSubscription("stateful", "s");
            await().atMost(Duration.ofSeconds(10)).until(() -> !admin.listTopics().names().get().contains(state));
        }
    }

    @Test
    void aDeadLetterIsARecordInItsEventsPartitionCarryingTheEventAndItsFailure() {
        broker.createTopic("failing", TopicSpec.partitions(4));
        Event event = Event.builder().id("f-1").source("/shop").type("order.placed").json("{\"total\":-5}").partitionKey("customer-3").build();
        Position position = broker.publish("failing", event).join();
        try (PullSubscriber consumer = broker.pullSubscriber("failing", "billing",
                SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST))) {
            List<Delivery> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> got.addAll(consumer.poll(1, Duration.ofMillis(100))));
            got.getFirst().reject("total is negative");
        }
        String deadLetterTopic = io.herald.broker.DeadLetters.defaultTopic("failing", "billing");
        try (KafkaConsumer<byte[], byte[]> plain = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> plain.listTopics().containsKey(deadLetterTopic));
            assertThat(plain.partitionsFor(deadLetterTopic)).hasSize(4);
            TopicPartition tp = new TopicPartition(deadLetterTopic, position.partition());
            plain.assign(List.of(tp));
            plain.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                plain.poll(Duration.ofMillis(100)).forEach(records::add);
                return !records.isEmpty();
            });
            Map<String, String> headers = new HashMap<>();
            for (Header h : records.getFirst().headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            assertThat(headers).containsEntry("ce_id", "f-1").containsEntry("ce_dlqtopic", "failing")
                    .containsEntry("ce_dlqsubscription", "billing").containsEntry("ce_dlqreason", "total is negative")
                    .containsEntry("ce_dlqattempts", "1").containsEntry("ce_dlqoffset", Long.toString(position.offset()))
                    .containsEntry("ce_dlqpartition", Integer.toString(position.partition()));
            assertThat(new String(records.getFirst().key(), StandardCharsets.UTF_8)).isEqualTo("customer-3");
        }
    }

    @Test
    void aSessionTimeoutTheClusterRefusesIsReportedBySubscribeWithTheBounds() {
        broker.createTopic("sessions", TopicSpec.partitions(1));
        assertThatThrownBy(() -> broker.subscribe("sessions", "slow", SubscriptionSpec.defaults().sessionTimeout(Duration.ofHours(2)), d -> { }))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("7200000 ms").hasMessageContaining("group.max.session.timeout.ms");
        assertThat(broker.listSubscriptions("sessions")).isEmpty();
    }

    /*
     * RetentionContract's size tests use 64 KiB segments, under Kafka's 1 MiB floor, so the contract
     * is not wired; these are its three checks at Kafka's sizes (1 MiB segments, 2 MiB retained).
     */
    @Test
    void kafkasSegmentFloorIsReportedAsAnInvalidSpec() {
        assertThatThrownBy(() -> broker.createTopic("tiny-segments", TopicSpec.partitions(1).segmentBytes(64 * 1024)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("segment.bytes").hasMessageContaining("tiny-segments");
    }
}
