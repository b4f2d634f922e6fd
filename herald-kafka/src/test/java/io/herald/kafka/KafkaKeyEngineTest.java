package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.KafkaConfig;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RedriveTarget;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The KEY/NONE engine on a real Kafka broker, beyond the conformance suite: what a new owner of a
 * partition knows of the last one's work, where a redriven event's second dead letter points (for
 * PARTITION members too), and the leases a description counts.
 */
class KafkaKeyEngineTest {

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
    void eventsAckedBehindARetryingOneAreNotDeliveredAgainAfterARestartOrARebalance() {
        String topic = "finished-behind-retry";
        broker.createTopic(topic, TopicSpec.partitions(1));
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST).sessionTimeout(Duration.ofSeconds(6));
        publish(topic, "e-0", "k-0");
        for (int i = 1; i <= 200; i++) {
            publish(topic, "e-" + i, "k-" + i);
        }
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        try (PullSubscriber first = broker.pullSubscriber(topic, "billing", spec)) {
            await().atMost(WAIT).until(() -> {
                for (Delivery d : first.poll(100, Duration.ofMillis(100))) {
                    seen.merge(d.event().id(), 1, Integer::sum);
                    if (d.event().id().equals("e-0")) {
                        d.nack(Duration.ofHours(1)); // holds the committed offset at 0 for an hour
                    } else {
                        d.ack();
                    }
                }
                return seen.size() == 201;
            });
            await().atMost(WAIT).until(() -> broker.describeSubscription(topic, "billing").stats().retrying() == 1);
        }

        List<String> afterRestart = new ArrayList<>();
        try (PullSubscriber reopened = broker.pullSubscriber(topic, "billing", spec)) {
            publish(topic, "marker-1", "k-marker-1"); // after the 200 in the log: when it comes, they would have come
            drainUntil(reopened, "marker-1", afterRestart);
            assertThat(afterRestart).as("nothing acked behind e-0 comes again, nor e-0 before its hour").containsExactly("marker-1");
            assertThat(broker.describeSubscription(topic, "billing").cursors().getFirst().committed())
                    .as("the committed offset still waits for e-0").isZero();

            try (KafkaBroker otherProcess = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
                 PullSubscriber second = otherProcess.pullSubscriber(topic, "billing", spec)) {
                reopened.close(); // the partition moves to the second member
                await().atMost(WAIT).until(() -> second.assignment().equals(java.util.Set.of(0)));
                publish(topic, "marker-2", "k-marker-2");
                List<String> afterRebalance = new ArrayList<>();
                drainUntil(second, "marker-2", afterRebalance);
                assertThat(afterRebalance).as("the new member skips what the last ones finished").containsExactly("marker-2");
                var stats = otherProcess.describeSubscription(topic, "billing").stats();
                assertThat(stats.retrying()).as("e-0's retry is still scheduled").isEqualTo(1);
            }
        }
    }

    /** PARTITION too: its members read the same Redrive facts. */
    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "PARTITION"})
    void aRedrivenEventThatFailsAgainIsDeadLetteredWithItsPositionInTheTopic(Ordering ordering) {
        String topic = "redriven-again-" + ordering.name().toLowerCase(java.util.Locale.ROOT);
        broker.createTopic(topic, TopicSpec.partitions(2));
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).maxAttempts(1);
        publish(topic, "a-0", "a");
        publish(topic, "a-1", "a");
        Position original = publish(topic, "a-2", "a"); // offset 2 of its partition; its first dead letter is at 0
        DeadLetterQueue dlq;
        try (PullSubscriber sub = broker.pullSubscriber(topic, "shipping", spec)) {
            dlq = broker.deadLetters(topic, "shipping");
            List<String> seen = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                for (Delivery d : sub.poll(10, Duration.ofMillis(100))) {
                    seen.add(d.event().id() + "#" + d.attempt());
                    if (d.event().id().equals("a-2")) {
                        d.reject("bad address");
                    } else {
                        d.ack();
                    }
                }
                return dlq.count(DeadLetterSelector.all()) == 1;
            });
            DeadLetter firstLetter = dlq.list(DeadLetterSelector.all(), 10).getFirst();
            assertThat(firstLetter.originalPosition()).isEqualTo(original);
            assertThat(firstLetter.position()).isNotEqualTo(original);

            assertThat(dlq.redrive(DeadLetterSelector.all(), RedriveTarget.subscription(), DeadLetterQueue.Progress.NONE)).isEqualTo(1);
            await().atMost(WAIT).until(() -> {
                for (Delivery d : sub.poll(10, Duration.ofMillis(100))) {
                    d.reject("still a bad address");
                }
                return dlq.list(DeadLetterSelector.all(), 10).stream().anyMatch(d -> !d.position().equals(firstLetter.position()));
            });
        }
        List<DeadLetter> letters = dlq.list(DeadLetterSelector.all(), 10);
        assertThat(letters).hasSize(1);
        assertThat(letters.getFirst().event().id()).isEqualTo("a-2");
        assertThat(letters.getFirst().reason()).isEqualTo("still a bad address");
        assertThat(letters.getFirst().originalPosition()).as("where a-2 was published, not its previous dead letter").isEqualTo(original);
    }

    @Test
    void aDescriptionCountsTheLeasesThisProcessHolds() {
        String topic = "leases-held";
        broker.createTopic(topic, TopicSpec.partitions(2));
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST).leaseDuration(Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            publish(topic, "l-" + i, "key-" + i);
        }
        try (PullSubscriber sub = broker.pullSubscriber(topic, "audit", spec)) {
            List<Delivery> held = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                held.addAll(sub.poll(10, Duration.ofMillis(100)));
                return held.size() == 3;
            });
            assertThat(broker.describeSubscription(topic, "audit").stats().leased()).isEqualTo(3);
            held.getFirst().ack();
            held.get(1).nack(Duration.ofMinutes(5));
            assertThat(broker.describeSubscription(topic, "audit").stats().leased()).isEqualTo(1);
            held.getLast().ack();
            assertThat(broker.describeSubscription(topic, "audit").stats().leased()).isZero();
        }
    }

    private static Position publish(String topic, String id, String key) {
        return broker.publish(topic, Event.builder().id(id).type("t").source("/test").partitionKey(key).build()).join();
    }

    /** Acks every delivery until {@code marker} has come, keeping their ids. */
    private static void drainUntil(PullSubscriber sub, String marker, List<String> ids) {
        await().atMost(WAIT).until(() -> {
            for (Delivery d : sub.poll(100, Duration.ofMillis(100))) {
                ids.add(d.event().id());
                d.ack();
            }
            return ids.contains(marker);
        });
        ids.addAll(sub.poll(100, Duration.ZERO).stream().peek(Delivery::ack).map(d -> d.event().id()).toList());
    }
}
