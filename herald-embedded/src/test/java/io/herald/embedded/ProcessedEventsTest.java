package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Ordering;
import io.herald.broker.ProcessedEvents;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idempotent-consumer helper: a redelivered event's handler effect happens once, across restarts, within the retention. */
class ProcessedEventsTest {

    @TempDir
    Path dir;

    @Test
    void redeliveriesOfHandledEventsDoNotRunTheHandlerAgainEvenAfterARestart() throws Exception {
        Map<String, Integer> effects = new ConcurrentHashMap<>();
        DeliveryHandler work = d -> effects.merge(d.event().id(), 1, Integer::sum);
        Random random = new Random(11);
        try (EmbeddedBroker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic("t", TopicSpec.partitions(2));
            for (int i = 0; i < 50; i++) {
                broker.publish("t", Event.builder().id("e" + i).type("x").source("/s").data("d").build()).join();
            }
            ProcessedEvents processed = broker.processedEvents(Duration.ofHours(1));
            DeliveryHandler idempotent = processed.idempotent("s", work);
            SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST).leaseDuration(Duration.ofMillis(200));
            try (PullSubscriber consumer = broker.pullSubscriber("t", "s", spec)) {
                // handle every delivery, but "lose" a third of the acks: those events come again when their lease expires
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (Delivery d : consumer.poll(20, Duration.ofMillis(50))) {
                        idempotent.handle(d);
                        if (random.nextInt(3) != 0) {
                            d.ack();
                        }
                    }
                    return broker.describeSubscription("t", "s").lag() == 0;
                });
            }
        }
        assertThat(effects).hasSize(50).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        try (EmbeddedBroker broker = EmbeddedBroker.open(dir)) {
            ProcessedEvents processed = broker.processedEvents(Duration.ofHours(1));
            Event again = Event.builder().id("e7").type("x").source("/s").data("d").build();
            assertThat(processed.contains("s", again)).isTrue();
            assertThat(processed.contains("other-subscription", again)).isFalse();
            assertThat(processed.contains("s", again.toBuilder().source("/elsewhere").build())).isFalse();
        }
    }

    @Test
    void recordsAreForgottenAfterTheRetention() {
        try (EmbeddedBroker broker = EmbeddedBroker.open(dir)) {
            ProcessedEvents processed = broker.processedEvents(Duration.ofMillis(300));
            Event e = Event.builder().id("e1").type("x").source("/s").build();
            processed.record("s", e);
            assertThat(processed.contains("s", e)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !processed.contains("s", e));
        }
    }
}
