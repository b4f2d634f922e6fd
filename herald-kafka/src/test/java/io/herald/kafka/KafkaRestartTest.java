package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.KafkaConfig;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The broker-restart guarantee: the in-JVM Kafka stops and starts while a publisher and a
 * consumer are at work; the backend recovers without user action and loses nothing acknowledged.
 */
class KafkaRestartTest {

    @Test
    void publishAndConsumeCarryOnAcrossABrokerRestart() throws Exception {
        try (InJvmKafka kafka = InJvmKafka.start(); KafkaBroker broker = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()))) {
            broker.createTopic("orders", TopicSpec.partitions(2));
            Set<Integer> consumed = new TreeSet<>();
            try (PullSubscriber consumer = broker.pullSubscriber("orders", "billing", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST))) {
                List<CompletableFuture<?>> before = publish(broker, 0, 100);
                before.forEach(CompletableFuture::join);
                drain(consumer, consumed, 50);

                List<CompletableFuture<?>> inFlight = publish(broker, 100, 50); // not waited for: in flight across the restart
                kafka.restart();
                List<CompletableFuture<?>> after = publish(broker, 150, 50);
                inFlight.forEach(CompletableFuture::join); // the producer retried through the outage by itself
                after.forEach(CompletableFuture::join);
                drain(consumer, consumed, 200);
            }
            assertThat(consumed).hasSize(200).first().isEqualTo(0);
            assertThat(broker.describeTopic("orders").eventCount()).isEqualTo(200);
            assertThat(broker.describeSubscription("orders", "billing").lag()).isZero();
        }
    }

    private static List<CompletableFuture<?>> publish(KafkaBroker broker, int from, int count) {
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            futures.add(broker.publish("orders", Event.builder().type("t").source("/s").id("e-" + i).build()));
        }
        return futures;
    }

    private static void drain(PullSubscriber consumer, Set<Integer> consumed, int until) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (Delivery d : consumer.poll(20, Duration.ofMillis(100))) {
                consumed.add(Integer.parseInt(d.event().id().substring(2)));
                d.ack();
            }
            return consumed.size() >= until;
        });
    }
}
