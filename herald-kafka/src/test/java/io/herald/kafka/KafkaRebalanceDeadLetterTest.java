package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.kafka.failure.FailureLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rebalance while a KEY engine writes a dead letter: the engine gave its partition up with a
 * commit before the dead-lettered event, so the next owner delivered it again and could ack it,
 * an event both dead-lettered and acked. The revoke now waits for the dead letter and commits
 * past it.
 */
class KafkaRebalanceDeadLetterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static InJvmKafka kafka;
    private static KafkaBroker first;
    private static KafkaBroker second;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
        first = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
        second = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() throws Exception {
        first.close();
        second.close();
        kafka.close();
    }

    @Test
    void anEventWhoseDeadLetterIsBeingWrittenWhenItsPartitionIsRevokedIsNotDeliveredAgain() throws Exception {
        String topic = "dead-letter-during-rebalance";
        first.createTopic(topic, TopicSpec.partitions(1));
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST).sessionTimeout(Duration.ofSeconds(6));
        first.publish(topic, Event.builder().id("e-0").source("/test").type("t").partitionKey("k").json("{}").build()).join();
        List<String> delivered = new CopyOnWriteArrayList<>();
        // the first dead letter of a subscription makes its dead-letter topic under FailureLog's class lock: held,
        // the dead letter stays in writing while the group rebalances (the classic protocol revokes every partition)
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            synchronized (FailureLog.class) {
                held.countDown();
                try {
                    release.await();
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
            try (PullSubscriber b = second.pullSubscriber(topic, "billing", spec)) {
                long until = System.nanoTime() + Duration.ofSeconds(4).toNanos(); // the rebalance runs meanwhile
                while (System.nanoTime() < until) {
                    drain(a, delivered);
                    drain(b, delivered);
                }
                release.countDown();
                holder.join();
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

    private static void drain(PullSubscriber s, List<String> delivered) {
        for (Delivery d : s.poll(10, Duration.ofMillis(50))) {
            delivered.add(d.event().id());
            d.ack();
        }
    }
}
