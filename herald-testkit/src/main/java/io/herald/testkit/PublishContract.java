package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.EventTooLargeException;
import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicReader;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.event.Event;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Publishing: positions, order per partition, key partitioning, batches, and what is refused. */
public abstract class PublishContract extends BrokerContract {

    @Test
    void positionsIncreaseByOneWithinAPartition() {
        String topic = createTopic(1);
        List<Position> positions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            positions.add(broker.publish(topic, event(i)).join());
        }
        for (int i = 0; i < 20; i++) {
            assertThat(positions.get(i)).isEqualTo(new Position(0, i));
        }
    }

    @Test
    void eventsOfOneKeyGoToOnePartitionTheOneKafkaWouldChoose() {
        String topic = createTopic(8);
        Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            String key = "customer-" + (i % 10);
            Position p = broker.publish(topic, event(i, key)).join();
            partitionsByKey.computeIfAbsent(key, k -> new HashSet<>()).add(p.partition());
        }
        partitionsByKey.forEach((key, partitions) ->
                assertThat(partitions).as("partitions of %s", key).containsExactly(KeyPartitioner.partition(key, 8)));
    }

    @Test
    void eventsWithoutAKeyAreSpreadOverAllPartitions() {
        String topic = createTopic(4);
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            used.add(broker.publish(topic, event(i)).join().partition());
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void orderWithinAPartitionIsPublishOrder() {
        String topic = createTopic(3);
        for (int i = 0; i < 300; i++) {
            broker.publish(topic, event(i, "k" + (i % 7)));
        }
        broker.publish(topic, event(300, "k0")).join();
        Map<String, List<Integer>> byKey = new HashMap<>();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            List<StoredEvent> all = readAll(reader, 301);
            for (StoredEvent e : all) {
                byKey.computeIfAbsent(e.event().partitionKey().orElseThrow(), k -> new ArrayList<>()).add(numberOf(e.event()));
            }
        }
        byKey.values().forEach(numbers -> assertThat(numbers).isSorted());
    }

    @Test
    void aBatchKeepsItsOrderAndReturnsEachPosition() {
        String topic = createTopic(2);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(event(i, "key-" + (i % 3)));
        }
        List<Position> positions = broker.publish(topic, batch).join();
        assertThat(positions).hasSize(50);
        assertThat(new HashSet<>(positions)).hasSize(50);
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            for (StoredEvent stored : readAll(reader, 50)) {
                int n = numberOf(stored.event());
                assertThat(positions.get(n)).isEqualTo(stored.position());
            }
        }
    }

    @Test
    void everyAttributeSurvivesTheRoundTrip() {
        String topic = createTopic(1);
        Event original = Event.builder()
                .id("id-1").source("https://shop.example/orders").type("order.placed")
                .time(Instant.parse("2026-11-22T10:15:30.123456789Z"))
                .subject("order/42").dataContentType("application/json").dataSchema("https://schemas.example/order.json")
                .data("{\"total\": 99.98, \"note\": \"π ≈ 3.14\"}")
                .partitionKey("customer-7").traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .correlationId("corr-1").causationId("cause-1").extension("tenant", "acme")
                .build();
        broker.publish(topic, original).join();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            assertThat(readAll(reader, 1).getFirst().event()).isEqualTo(original);
        }
    }

    @Test
    void typedExtensionsAndTheTimeAtItsOffsetSurviveTheRoundTrip() {
        String topic = createTopic(1);
        Event original = Event.builder()
                .id("id-2").source("/shop").type("order.flagged")
                .timeWithOffset(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00"))
                .json("{\"a\":1}")
                .partitionKey("customer-7").extension("region", "eu")
                .extension("priority", 7).extension("urgent", true)
                .uriExtension("home", URI.create("https://shop.example.com")).uriExtension("path", URI.create("../orders/1"))
                .timestampExtension("due", OffsetDateTime.parse("2026-12-24T18:00:00-05:00"))
                .binaryExtension("sig", new byte[] {0, 1, (byte) 0xff})
                .build();
        broker.publish(topic, original).join();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            Event read = readAll(reader, 1).getFirst().event();
            assertThat(read).isEqualTo(original);
            assertThat(read.timeWithOffset()).contains(OffsetDateTime.parse("2026-12-07T10:00:00.123456789+02:00"));
            assertThat(read.extensionTypes()).isEqualTo(original.extensionTypes());
            assertThat(read.extensionValue("priority")).contains(7);
        }
    }

    @Test
    void anEventOverTheSizeLimitIsRefusedWithItsSizeAndNothingIsWritten() {
        String topic = createTopic(1);
        Event huge = Event.builder().type("big").source("/t").data(new byte[8 * 1024 * 1024]).build();
        assertThatThrownBy(() -> broker.publish(topic, huge).join())
                .isInstanceOf(EventTooLargeException.class)
                .hasMessageContaining(huge.id())
                .hasMessageContaining("limit");
        assertThat(broker.describeTopic(topic).eventCount()).isZero();
    }

    @Test
    void aBatchWithOneOversizedEventWritesNothing() {
        String topic = createTopic(2);
        List<Event> batch = List.of(event(1), Event.builder().type("big").source("/t").data(new byte[8 * 1024 * 1024]).build(), event(2));
        assertThatThrownBy(() -> broker.publish(topic, batch).join()).isInstanceOf(EventTooLargeException.class);
        assertThat(broker.describeTopic(topic).eventCount()).isZero();
    }

    @Test
    void publishingToAnUnknownTopicNamesIt() {
        assertThatThrownBy(() -> broker.publish("nowhere", event(1)).join())
                .isInstanceOf(TopicNotFoundException.class)
                .hasMessageContaining("nowhere");
    }

    /*
     * "Ephemeral" promises less, not something else: events may be lost on a restart. What a
     * restart does to them is the backend's (embedded: empties the topic; Kafka: nothing, unless
     * a broker fails), so it is tested by each backend; here, it works like any other topic.
     */
    @Test
    void anEphemeralTopicWorksLikeAnyOtherAndStaysEphemeralAcrossARestart() throws Exception {
        String topic = createTopic(io.herald.broker.TopicSpec.partitions(2).asEphemeral());
        publishNumbered(topic, 0, 10);
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            assertThat(readAll(reader, 10)).hasSize(10);
        }
        restart();
        assertThat(broker.describeTopic(topic).spec().ephemeral()).isTrue();
        long before = broker.describeTopic(topic).eventCount();
        assertThat(before).isBetween(0L, 10L);
        publishNumbered(topic, 10, 1);
        assertThat(broker.describeTopic(topic).eventCount()).isEqualTo(before + 1);
    }

    protected static List<StoredEvent> readAll(TopicReader reader, int count) {
        List<StoredEvent> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            out.addAll(reader.poll(count - out.size(), Duration.ofMillis(200)));
        }
        assertThat(out).as("events read").hasSize(count);
        return out;
    }
}
