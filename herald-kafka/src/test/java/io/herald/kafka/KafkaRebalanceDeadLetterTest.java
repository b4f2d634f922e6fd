package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.KafkaConfig;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.kafka.failure.FailureLog;
import io.herald.kafka.group.GroupIds;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A rebalance while a KEY engine or a PARTITION member writes a dead letter: it gave its
 * partition up with a commit before the dead-lettered event, so the next owner delivered it again
 * and could ack it, an event both dead-lettered and acked. The revoke now waits for the dead
 * letter and commits past it.
 */
class KafkaRebalanceDeadLetterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static InJvmKafka kafka;
    private static KafkaBroker first;
    private static KafkaBroker second;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
        first = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
        second = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        first.close();
        second.close();
        kafka.close();
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "PARTITION"})
    void anEventWhoseDeadLetterIsBeingWrittenWhenItsPartitionIsRevokedIsNotDeliveredAgain(Ordering ordering) throws Exception {
        String topic = "dead-letter-during-rebalance-" + ordering.name().toLowerCase(Locale.ROOT);
        first.createTopic(topic, TopicSpec.partitions(1));
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).sessionTimeout(Duration.ofSeconds(10));
        first.createTopic(spec.deadLetterTopicFor(topic, "billing"), TopicSpec.partitions(1)); // once let go, the dead letter is written at once
        first.publish(topic, Event.builder().id("e-0").source("/test").type("t").partitionKey("k").json("{}").build()).join();
        List<String> delivered = new CopyOnWriteArrayList<>();
        // a subscription's first dead letter looks for its dead-letter topic under FailureLog's class lock: held,
        // the dead letter stays in writing while the group rebalances (the classic protocol revokes every partition)
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            synchronized (FailureLog.class) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        try (PullSubscriber a = first.pullSubscriber(topic, "billing", spec)) {
            await().atMost(WAIT).until(() -> {
                for (Delivery d : a.poll(10, Duration.ofMillis(100))) {
                    delivered.add(d.event().id());
                    d.reject("bad");
                }
                return !delivered.isEmpty();
            });
            // lets the dead letter go once the rebalance got past the old owner's revoke, or 2 s into a revoke that waits
            Thread releaser = Thread.ofPlatform().start(() -> releaseAfterTheRevoke(GroupIds.of(topic, "billing"), release));
            try (PullSubscriber b = second.pullSubscriber(topic, "billing", spec)) {
                while (holder.isAlive()) { // a PARTITION member's revoke runs in this thread's poll of it
                    drain(a, delivered);
                    drain(b, delivered);
                }
                releaser.join();
                await().atMost(WAIT).until(() -> {
                    drain(a, delivered);
                    drain(b, delivered);
                    return first.deadLetters(topic, "billing").count(DeadLetterSelector.all()) == 1
                            && (a.assignment().contains(0) || b.assignment().contains(0));
                });
                long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // whoever owns the partition now reads it
                while (System.nanoTime() < settle) {
                    drain(a, delivered);
                    drain(b, delivered);
                }
            }
        } finally {
            release.countDown();
        }
        assertThat(delivered).as("dead-lettered once, never delivered again").containsExactly("e-0");
        assertThat(first.deadLetters(topic, "billing").count(DeadLetterSelector.all())).isEqualTo(1);
    }

    private static void releaseAfterTheRevoke(String group, CountDownLatch release) {
        long rebalancingSince = 0;
        long giveUp = System.nanoTime() + WAIT.toNanos();
        try {
            while (System.nanoTime() < giveUp) {
                GroupState state = admin.describeConsumerGroups(List.of(group)).all().get().get(group).groupState();
                if (state == GroupState.PREPARING_REBALANCE && rebalancingSince == 0) {
                    rebalancingSince = System.nanoTime();
                } else if (rebalancingSince != 0 && (state != GroupState.PREPARING_REBALANCE
                        || System.nanoTime() - rebalancingSince > Duration.ofSeconds(2).toNanos())) {
                    return;
                }
                Thread.sleep(20); // the pace of looking at the group's state
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            release.countDown();
        }
    }

    private static void drain(PullSubscriber s, List<String> delivered) {
        for (Delivery d : s.poll(10, Duration.ofMillis(50))) {
            delivered.add(d.event().id());
            d.ack();
        }
    }
}
