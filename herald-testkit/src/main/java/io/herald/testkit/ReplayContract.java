package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionActiveException;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replay: a reset of a subscription or a reader from earliest, an offset, offsets per partition or
 * a time returns the same events in the same order.
 */
public abstract class ReplayContract extends BrokerContract {

    @Test
    void resetToEarliestReplaysTheSameEventsInTheSameOrder() {
        String topic = createTopic(3);
        publishNumbered(topic, 0, 60);
        List<Position> firstRun = consumeAll(topic, "projection", 60);
        broker.resetSubscription(topic, "projection", StartPosition.EARLIEST);
        List<Position> replay = consumeAll(topic, "projection", 60);
        assertThat(perPartition(replay)).isEqualTo(perPartition(firstRun));
    }

    @Test
    void resetToAnOffsetReplaysFromItInEveryPartition() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 20);
        consumeAll(topic, "sub", 20);
        broker.resetSubscription(topic, "sub", StartPosition.offset(7));
        List<Position> replay = consumeAll(topic, "sub", 6);
        assertThat(replay).allMatch(p -> p.offset() >= 7);
        assertThat(replay).hasSize(6);
    }

    @Test
    void resetToATimeReplaysWhatWasAppendedSince() {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 5);
        long published = System.currentTimeMillis();
        await().until(() -> System.currentTimeMillis() > published); // the log's clock has millisecond steps
        Instant between = Instant.now();
        await().until(() -> System.currentTimeMillis() > between.toEpochMilli());
        publishNumbered(topic, 5, 5);
        consumeAll(topic, "sub", 10);
        broker.resetSubscription(topic, "sub", StartPosition.at(between));
        assertThat(consumeAll(topic, "sub", 5)).extracting(Position::offset).containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void resetToLatestSkipsEverythingPublished() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 10);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "skip", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST))) {
            consumer.poll(1, Duration.ZERO);
        }
        broker.resetSubscription(topic, "skip", StartPosition.LATEST);
        assertThat(broker.describeSubscription(topic, "skip").lag()).isZero();
    }

    @Test
    void aSubscriptionWithActiveConsumersCannotBeReset() {
        String topic = createTopic(1);
        try (PullSubscriber ignored = broker.pullSubscriber(topic, "busy", fromEarliest())) {
            assertThatThrownBy(() -> broker.resetSubscription(topic, "busy", StartPosition.EARLIEST))
                    .isInstanceOf(SubscriptionActiveException.class)
                    .hasMessageContaining("busy")
                    .hasMessageContaining("active member");
        }
    }

    @Test
    void aReaderFromEarliestReadsEverythingAndFromLatestOnlyWhatComesNext() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 10);
        try (TopicReader all = broker.reader(topic, StartPosition.EARLIEST);
             TopicReader next = broker.reader(topic, StartPosition.LATEST)) {
            assertThat(PublishContract.readAll(all, 10)).hasSize(10);
            publishNumbered(topic, 10, 3);
            assertThat(PublishContract.readAll(next, 3)).extracting(e -> numberOf(e.event())).containsExactlyInAnyOrder(10, 11, 12);
        }
    }

    @Test
    void twoReplaysReturnIdenticalSequences() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 50);
        List<StoredEvent> first;
        List<StoredEvent> second;
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            first = PublishContract.readAll(reader, 50);
            reader.seek(StartPosition.EARLIEST);
            second = PublishContract.readAll(reader, 50);
        }
        assertThat(perPartitionEvents(second)).isEqualTo(perPartitionEvents(first));
    }

    @Test
    void resetToOffsetsListingEveryPartitionResumesEachExactlyThere() {
        String topic = createTopic(3);
        List<Position> published = publishKeyed(topic, 0, 45);
        consumeAll(topic, "resume", 45);
        java.util.Map<Integer, Long> token = new java.util.TreeMap<>();
        perPartition(published).forEach((partition, offsets) -> token.put(partition, (long) offsets.size() / 2));
        assertThat(token).as("events in every partition").hasSize(3);

        broker.resetSubscription(topic, "resume", StartPosition.offsets(token));

        List<Position> expected = published.stream().filter(p -> p.offset() >= token.get(p.partition())).toList();
        List<Position> replay = consumeAll(topic, "resume", expected.size());
        assertThat(perPartition(replay)).isEqualTo(perPartition(expected));
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.describeSubscription(topic, "resume").lag() == 0);
    }

    @Test
    void aReaderFromOffsetsReadsAListedPartitionFromItsOffsetAndTheOthersFromTheirEnd() {
        String topic = createTopic(2);
        List<Position> before = publishKeyed(topic, 0, 20);
        long inPartition0 = before.stream().filter(p -> p.partition() == 0).count();
        assertThat(inPartition0).as("events in partition 0").isGreaterThan(3);
        assertThat(before).as("events in partition 1").anyMatch(p -> p.partition() == 1);

        try (TopicReader reader = broker.reader(topic, StartPosition.offsets(java.util.Map.of(0, 3L)))) {
            List<Position> after = publishKeyed(topic, 20, 10);

            List<Position> expected = new ArrayList<>(before.stream().filter(p -> p.partition() == 0 && p.offset() >= 3).toList());
            expected.addAll(after);
            List<StoredEvent> read = PublishContract.readAll(reader, expected.size());
            assertThat(perPartition(read.stream().map(StoredEvent::position).toList())).isEqualTo(perPartition(expected));
        }
    }

    @Test
    void aReaderSeekingToOffsetsClampsThemToWhatEachPartitionHolds() {
        String topic = createTopic(2);
        List<Position> published = publishKeyed(topic, 0, 20);
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            PublishContract.readAll(reader, 20);

            reader.seek(StartPosition.offsets(java.util.Map.of(0, 0L, 1, 1_000_000L)));

            List<Position> partition0 = published.stream().filter(p -> p.partition() == 0).toList();
            List<StoredEvent> read = PublishContract.readAll(reader, partition0.size());
            assertThat(read).extracting(StoredEvent::position).containsExactlyElementsOf(partition0);
            List<Position> later = publishKeyed(topic, 20, 6);
            List<StoredEvent> next = PublishContract.readAll(reader, later.size());
            assertThat(perPartition(next.stream().map(StoredEvent::position).toList())).isEqualTo(perPartition(later));
        }
    }

    @Test
    void aNewSubscriptionStartingAtOffsetsBeginsThere() {
        String topic = createTopic(2);
        List<Position> published = publishKeyed(topic, 0, 20);
        StartPosition start = StartPosition.offsets(java.util.Map.of(1, 2L));

        try (PullSubscriber consumer = broker.pullSubscriber(topic, "from-token", SubscriptionSpec.defaults().startAt(start))) {
            List<Position> expected = published.stream().filter(p -> p.partition() == 1 && p.offset() >= 2).toList();
            List<Position> got = pollAndAck(consumer, expected.size()).stream().map(Delivery::position).toList();
            assertThat(perPartition(got)).isEqualTo(perPartition(expected));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.describeSubscription(topic, "from-token").lag() == 0);
    }

    /** Publishes events {@code from..from+count-1}, each with its own key (spread over the partitions); their positions. */
    private List<Position> publishKeyed(String topic, int from, int count) {
        List<java.util.concurrent.CompletableFuture<Position>> futures = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            futures.add(broker.publish(topic, event(i, "key-" + i)));
        }
        return futures.stream().map(java.util.concurrent.CompletableFuture::join).toList();
    }

    /** Consumes {@code count} events from the subscription (creating it at earliest), acks them, leaves. */
    private List<Position> consumeAll(String topic, String subscription, int count) {
        try (PullSubscriber consumer = broker.pullSubscriber(topic, subscription, fromEarliest())) {
            List<Delivery> got = pollAndAck(consumer, count);
            return got.stream().map(Delivery::position).toList();
        }
    }

    private static java.util.Map<Integer, List<Long>> perPartition(List<Position> positions) {
        java.util.Map<Integer, List<Long>> map = new java.util.TreeMap<>();
        positions.forEach(p -> map.computeIfAbsent(p.partition(), k -> new ArrayList<>()).add(p.offset()));
        return map;
    }

    private static java.util.Map<Integer, List<String>> perPartitionEvents(List<StoredEvent> events) {
        java.util.Map<Integer, List<String>> map = new java.util.TreeMap<>();
        events.forEach(e -> map.computeIfAbsent(e.position().partition(), k -> new ArrayList<>()).add(e.position().offset() + ":" + e.event().id()));
        return map;
    }
}
