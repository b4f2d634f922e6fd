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

/** Replay: a reset of a subscription or a reader from earliest, an offset or a time returns the same events in the same order. */
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
