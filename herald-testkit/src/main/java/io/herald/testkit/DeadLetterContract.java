package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RedriveTarget;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicReader;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Dead-letter topics: list, show, redrive (all, by pattern, by range; to the subscription or a topic), purge. */
public abstract class DeadLetterContract extends BrokerContract {

    private static SubscriptionSpec spec(Ordering ordering) {
        return SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).retry(ReliableDeliveryContract.QUICK);
    }

    /** Publishes {@code count} order events (even numbers "order.placed", odd "order.cancelled") and rejects each once. */
    private String deadLetterAll(Ordering ordering, int count) {
        String topic = createTopic(2);
        for (int i = 0; i < count; i++) {
            broker.publish(topic, Event.builder().id("e-" + i).type(i % 2 == 0 ? "order.placed" : "order.cancelled")
                    .source("/shop").partitionKey("c" + (i % 3)).json("{\"n\": " + i + "}").build()).join();
        }
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Delivery d : consumer.poll(50, Duration.ofMillis(50))) {
                    d.reject("rejected " + numberOf(d.event()));
                }
                return broker.deadLetters(topic, "s").count(DeadLetterSelector.all()) == count;
            });
        }
        return topic;
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void deadLettersKeepTheOriginalEventUnchangedAndCanBeShown(Ordering ordering) {
        String topic = deadLetterAll(ordering, 4);
        DeadLetterQueue dlq = broker.deadLetters(topic, "s");
        assertThat(dlq.topic()).isEqualTo(topic + ".s.dlq");
        List<DeadLetter> all = dlq.list(DeadLetterSelector.all(), 100);
        assertThat(all).hasSize(4);
        for (DeadLetter d : all) {
            int n = numberOf(d.event());
            assertThat(d.event().extensions()).containsOnlyKeys("partitionkey");
            assertThat(d.reason()).isEqualTo("rejected " + n);
            assertThat(dlq.show(d.position())).contains(d);
        }
        assertThat(dlq.list(DeadLetterSelector.all(), 2)).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void aRedriveToTheSubscriptionDeliversAgainFromAttemptOneAndEmptiesTheQueue(Ordering ordering) {
        String topic = deadLetterAll(ordering, 4);
        DeadLetterQueue dlq = broker.deadLetters(topic, "s");
        List<long[]> progress = new ArrayList<>();
        long redriven = dlq.redrive(DeadLetterSelector.matching("{\"type\": [\"order.placed\"]}"), RedriveTarget.subscription(),
                (done, total) -> progress.add(new long[] {done, total}));
        assertThat(redriven).isEqualTo(2);
        assertThat(progress.getLast()).containsExactly(2, 2);
        assertThat(dlq.count(DeadLetterSelector.all())).isEqualTo(2);
        List<Delivery> again = new ArrayList<>();
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Delivery d : consumer.poll(10, Duration.ofMillis(50))) {
                    again.add(d);
                    d.ack();
                }
                return again.size() >= 2;
            });
            assertThat(consumer.poll(10, Duration.ofMillis(300))).isEmpty();
        }
        assertThat(again).extracting(d -> numberOf(d.event())).containsExactlyInAnyOrder(0, 2);
        assertThat(again).allMatch(d -> d.attempt() == 1);
        assertThat(dlq.list(DeadLetterSelector.all(), 10)).extracting(d -> numberOf(d.event())).containsExactlyInAnyOrder(1, 3);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"NONE"})
    void aRedriveToATopicPublishesTheOriginalEventsThere(Ordering ordering) {
        String topic = deadLetterAll(ordering, 3);
        String retryTopic = createTopic(1);
        DeadLetterQueue dlq = broker.deadLetters(topic, "s");
        assertThat(dlq.redrive(DeadLetterSelector.all(), RedriveTarget.topic(retryTopic), DeadLetterQueue.Progress.NONE)).isEqualTo(3);
        try (TopicReader reader = broker.reader(retryTopic, StartPosition.EARLIEST)) {
            List<StoredEvent> events = PublishContract.readAll(reader, 3);
            assertThat(events).extracting(e -> e.event().id()).containsExactlyInAnyOrder("e-0", "e-1", "e-2");
            assertThat(events).allSatisfy(e -> assertThat(e.event().extensions()).containsOnlyKeys("partitionkey"));
        }
        assertThat(dlq.count(DeadLetterSelector.all())).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"NONE"})
    void aRangeSelectsPositionsOfOnePartition(Ordering ordering) {
        String topic = deadLetterAll(ordering, 6);
        DeadLetterQueue dlq = broker.deadLetters(topic, "s");
        DeadLetter first = dlq.list(DeadLetterSelector.all(), 1).getFirst();
        int p = first.position().partition();
        long inPartition = dlq.list(DeadLetterSelector.all(), 100).stream().filter(d -> d.position().partition() == p).count();
        assertThat(dlq.count(DeadLetterSelector.range(p, 0, Long.MAX_VALUE - 1))).isEqualTo(inPartition);
        assertThat(dlq.purge(DeadLetterSelector.range(p, first.position().offset(), first.position().offset()))).isEqualTo(1);
        assertThat(dlq.show(first.position())).isEmpty();
        assertThat(dlq.count(DeadLetterSelector.all())).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY"})
    void purgeRemovesForGood(Ordering ordering) {
        String topic = deadLetterAll(ordering, 4);
        DeadLetterQueue dlq = broker.deadLetters(topic, "s");
        assertThat(dlq.purge(DeadLetterSelector.matching("{\"type\": [\"order.cancelled\"]}"))).isEqualTo(2);
        assertThat(dlq.count(DeadLetterSelector.all())).isEqualTo(2);
        assertThat(dlq.purge(DeadLetterSelector.all())).isEqualTo(2);
        assertThat(dlq.list(DeadLetterSelector.all(), 10)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY"})
    void resolvedDeadLettersStayResolvedAfterARestart(Ordering ordering) throws Exception {
        String topic = deadLetterAll(ordering, 4);
        broker.deadLetters(topic, "s").purge(DeadLetterSelector.matching("{\"type\": [\"order.cancelled\"]}"));
        restart();
        assertThat(broker.deadLetters(topic, "s").list(DeadLetterSelector.all(), 10))
                .extracting(d -> numberOf(d.event())).containsExactlyInAnyOrder(0, 2);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"NONE"})
    void aBadSelectorPatternIsRefused(Ordering ordering) {
        assertThatThrownBy(() -> DeadLetterSelector.matching("{\"type\": \"not-an-array\"}"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("invalid event pattern");
        assertThatThrownBy(() -> DeadLetterSelector.range(0, 5, 2)).isInstanceOf(InvalidSpecException.class);
    }
}
