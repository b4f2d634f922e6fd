package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions with ordering {@code PARTITION}: consumer groups. Every event reaches every
 * subscription, in partition order; consumers of one subscription share its partitions and
 * rebalance when one joins, leaves or dies; nothing is skipped across crashes and restarts.
 */
public abstract class ConsumerGroupContract extends BrokerContract {

    private static final Duration SHORT_SESSION = Duration.ofMillis(600);

    @Test
    void aPushConsumerGetsEveryEventInPartitionOrder() {
        String topic = createTopic(3);
        publishNumbered(topic, 0, 90);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscriber ignored = broker.subscribe(topic, "audit", fromEarliest(), got::add)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 90);
        }
        assertThat(got).extracting(d -> numberOf(d.event())).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 90).boxed().toList());
        assertPartitionOrder(got);
        assertThat(got).allSatisfy(d -> {
            assertThat(d.attempt()).isEqualTo(1);
            assertThat(d.subscription()).isEqualTo("audit");
            assertThat(d.topic()).isEqualTo(topic);
        });
    }

    @Test
    void aNewSubscriptionStartsAtTheLatestEventByDefault() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 10);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "fresh", SubscriptionSpec.defaults())) {
            publishNumbered(topic, 10, 5);
            List<Delivery> got = pollAndAck(consumer, 5);
            assertThat(got).extracting(d -> numberOf(d.event())).containsExactlyInAnyOrder(10, 11, 12, 13, 14);
            assertThat(consumer.poll(10, Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void everySubscriptionSeesEveryEvent() {
        String topic = createTopic(4);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        List<Subscriber> subscribers = new ArrayList<>();
        for (String name : List.of("billing", "shipping", "analytics")) {
            List<Integer> list = new CopyOnWriteArrayList<>();
            seen.put(name, list);
            subscribers.add(broker.subscribe(topic, name, fromEarliest(), d -> list.add(numberOf(d.event()))));
        }
        publishNumbered(topic, 0, 100);
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.values().stream().allMatch(l -> l.size() >= 100));
        subscribers.forEach(Subscriber::close);
        seen.forEach((name, numbers) -> assertThat(numbers).as(name).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList()));
    }

    @Test
    void consumersOfOneSubscriptionShareItsPartitions() {
        String topic = createTopic(4);
        try (PullSubscriber a = broker.pullSubscriber(topic, "workers", fromEarliest());
             PullSubscriber b = broker.pullSubscriber(topic, "workers", fromEarliest())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                a.poll(1, Duration.ofMillis(10));
                b.poll(1, Duration.ofMillis(10));
                return a.assignment().size() == 2 && b.assignment().size() == 2;
            });
            Set<Integer> union = new HashSet<>(a.assignment());
            union.addAll(b.assignment());
            assertThat(union).containsExactlyInAnyOrder(0, 1, 2, 3);
            assertThat(Collections.disjoint(a.assignment(), b.assignment())).isTrue();
        }
    }

    @Test
    void twoPushConsumersSplitTheWorkAndEachEventIsHandledOnce() {
        String topic = createTopic(4);
        Map<Integer, Integer> handled = new ConcurrentHashMap<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (Subscriber a = broker.subscribe(topic, "pool", fromEarliest(), d -> {
                handled.merge(numberOf(d.event()), 1, Integer::sum);
                threads.add("a");
            });
             Subscriber b = broker.subscribe(topic, "pool", fromEarliest(), d -> {
                handled.merge(numberOf(d.event()), 1, Integer::sum);
                threads.add("b");
            })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> a.assignment().size() + b.assignment().size() == 4
                    && !a.assignment().isEmpty() && !b.assignment().isEmpty());
            publishNumbered(topic, 0, 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() >= 200);
        }
        assertThat(handled.values()).allMatch(count -> count == 1);
        assertThat(threads).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void whenAConsumerLeavesTheOtherTakesOverWhereItStopped() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 40);
        PullSubscriber a = broker.pullSubscriber(topic, "group", fromEarliest());
        PullSubscriber b = broker.pullSubscriber(topic, "group", fromEarliest());
        List<Delivery> all = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ackInto(b.poll(2, Duration.ofMillis(20)), all);
            ackInto(a.poll(2, Duration.ofMillis(20)), all);
            return all.size() >= 10 && !a.assignment().isEmpty() && !b.assignment().isEmpty();
        });
        a.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ackInto(b.poll(100, Duration.ofMillis(100)), all);
            return distinctNumbers(all) == 40;
        });
        assertThat(b.assignment()).containsExactlyInAnyOrder(0, 1);
        b.close();
        // a committed everything it acknowledged when it left: b got none of it again
        assertThat(all).hasSize(40);
        assertPartitionOrder(all);
    }

    @Test
    void aConsumerThatStopsPollingIsPresumedDeadAndItsUnackedEventsComeAgain() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 20);
        SubscriptionSpec spec = fromEarliest().sessionTimeout(SHORT_SESSION);
        PullSubscriber crashed = broker.pullSubscriber(topic, "group", spec);
        List<Delivery> taken = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            taken.addAll(crashed.poll(6, Duration.ofMillis(100)));
            return taken.size() >= 6;
        });
        List<Delivery> acked = taken.subList(0, 3);
        List<Delivery> unacked = taken.subList(3, taken.size());
        acked.forEach(Delivery::ack);
        // "crashed" never polls again nor closes: it is dead
        try (PullSubscriber survivor = broker.pullSubscriber(topic, "group", spec)) {
            List<Delivery> got = new ArrayList<>(acked);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                ackInto(survivor.poll(20, Duration.ofMillis(100)), got);
                return distinctNumbers(got) == 20;
            });
            assertThat(survivor.assignment()).containsExactlyInAnyOrder(0, 1);
            for (Delivery d : unacked) {
                assertThat(got).as("unacked %s delivered again", d)
                        .anyMatch(g -> g != d && g.position().equals(d.position()));
            }
        }
    }

    /**
     * A consumer presumed dead may come back to life and settle what it holds: by then its
     * partitions are another's, which delivers those events again. Its reject or nack changes
     * nothing (no dead letter, no failure), so no event ends both dead-lettered and handled.
     */
    @Test
    void verdictsOfAConsumerPresumedDeadChangeNothing() {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 4);
        SubscriptionSpec spec = fromEarliest().sessionTimeout(SHORT_SESSION);
        PullSubscriber stalled = broker.pullSubscriber(topic, "group", spec);
        List<Delivery> taken = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            taken.addAll(stalled.poll(4, Duration.ofMillis(100)));
            return taken.size() >= 2;
        });
        try (PullSubscriber survivor = broker.pullSubscriber(topic, "group", spec)) {
            List<Delivery> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                ackInto(survivor.poll(4, Duration.ofMillis(100)), got);
                return distinctNumbers(got) == 4;
            });
            taken.get(0).reject("too late");
            taken.get(1).nack();
            assertThat(broker.deadLetters(topic, "group").count(DeadLetterSelector.all())).isZero();
            SubscriptionInfo info = broker.describeSubscription(topic, "group");
            assertThat(info.stats().deadLettered()).isZero();
            assertThat(info.stats().retrying()).isZero();
            assertThat(survivor.poll(4, Duration.ofMillis(300))).as("nothing comes again").isEmpty();
        } finally {
            stalled.close();
        }
    }

    @Test
    void committedCursorsSurviveABrokerRestart() throws Exception {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 30);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "durable", fromEarliest())) {
            pollAndAck(consumer, 12);
        }
        SubscriptionInfo before = broker.describeSubscription(topic, "durable");
        assertThat(before.lag()).isEqualTo(18);
        restart();
        assertThat(broker.describeSubscription(topic, "durable").cursors()).isEqualTo(before.cursors());
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "durable", fromEarliest())) {
            List<Delivery> rest = pollAndAck(consumer, 18);
            assertThat(consumer.poll(10, Duration.ofMillis(300))).isEmpty();
            assertThat(rest).hasSize(18);
        }
    }

    @Test
    void aFailingPushHandlerGetsTheSameEventAgainAndPartitionOrderHolds() {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 10);
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicBoolean failedOnce = new AtomicBoolean();
        try (Subscriber ignored = broker.subscribe(topic, "flaky", fromEarliest(), d -> {
            calls.add(numberOf(d.event()) + "#" + d.attempt());
            if (numberOf(d.event()) == 4 && failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("payment service timed out");
            }
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> calls.contains("9#1"));
        }
        assertThat(calls).containsExactly("0#1", "1#1", "2#1", "3#1", "4#1", "4#2", "5#1", "6#1", "7#1", "8#1", "9#1");
    }

    @Test
    void lagCountsWhatIsPublishedButNotYetCommitted() {
        String topic = createTopic(2);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "lagging", fromEarliest())) {
            publishNumbered(topic, 0, 10);
            pollAndAck(consumer, 4);
            consumer.poll(1, Duration.ZERO); // a poll commits what was acked
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                SubscriptionInfo info = broker.describeSubscription(topic, "lagging");
                assertThat(info.lag()).isEqualTo(6);
                assertThat(info.members()).hasSize(1);
            });
        }
        assertThat(broker.listSubscriptions(topic)).extracting(SubscriptionInfo::name).containsExactly("lagging");
    }

    @Test
    void aPollWithNothingToGiveWaitsAndReturnsEmpty() {
        String topic = createTopic(1);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "idle", fromEarliest())) {
            long start = System.nanoTime();
            assertThat(consumer.poll(10, Duration.ofMillis(200))).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        }
    }

    @Test
    void anIdleSubscriptionTakesTheDefinitionItIsOpenedWithAndAnActiveOneRefusesAnother() {
        String topic = createTopic(2);
        SubscriptionSpec three = SubscriptionSpec.ordering(io.herald.broker.Ordering.KEY).maxAttempts(3);
        broker.pullSubscriber(topic, "billing", three).close();
        assertThat(broker.describeSubscription(topic, "billing").spec().retry().maxAttempts()).isEqualTo(3);

        SubscriptionSpec nine = three.maxAttempts(9);
        broker.pullSubscriber(topic, "billing", nine).close();
        assertThat(broker.describeSubscription(topic, "billing").spec().retry().maxAttempts())
                .as("an idle subscription takes the new definition at once").isEqualTo(9);

        try (PullSubscriber active = broker.pullSubscriber(topic, "billing", nine)) {
            assertThatThrownBy(() -> broker.pullSubscriber(topic, "billing", nine.maxAttempts(4)))
                    .isInstanceOf(io.herald.error.InvalidSpecException.class)
                    .hasMessageContaining("in use with another definition");
            try (PullSubscriber sameDefinition = broker.pullSubscriber(topic, "billing", nine.concurrency(2))) {
                assertThat(sameDefinition.subscription()).isEqualTo("billing");
            }
        }
        assertThat(broker.describeSubscription(topic, "billing").spec().retry().maxAttempts()).isEqualTo(9);
    }

    private static void ackInto(List<Delivery> deliveries, List<Delivery> into) {
        for (Delivery d : deliveries) {
            d.ack();
            into.add(d);
        }
    }

    private static int distinctNumbers(List<Delivery> deliveries) {
        return (int) deliveries.stream().map(d -> numberOf(d.event())).distinct().count();
    }
}
