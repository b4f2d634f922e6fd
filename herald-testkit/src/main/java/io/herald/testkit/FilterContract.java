package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Subscription filters: EventBridge patterns over the CloudEvents JSON form; non-matching events are skipped without a delivery. */
public abstract class FilterContract extends BrokerContract {

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void onlyMatchingEventsAreDeliveredAndTheRestAreSkipped(Ordering ordering) {
        String topic = createTopic(2);
        for (int i = 0; i < 20; i++) {
            broker.publish(topic, Event.builder().id("e-" + i).source("/shop").partitionKey("c" + (i % 3))
                    .type(i % 2 == 0 ? "order.placed" : "order.cancelled").json("{\"total\": " + (i * 100) + "}").build()).join();
        }
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST)
                .filter("{\"type\": [\"order.placed\"], \"data\": {\"total\": [{\"numeric\": [\">=\", 1000]}]}}");
        List<Integer> got = new ArrayList<>();
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "big-orders", spec)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Delivery d : consumer.poll(20, Duration.ofMillis(50))) {
                    got.add(numberOf(d.event()));
                    d.ack();
                }
                return got.size() >= 5;
            });
            assertThat(consumer.poll(20, Duration.ofMillis(300))).isEmpty();
        }
        assertThat(got).containsExactlyInAnyOrder(10, 12, 14, 16, 18);
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.describeSubscription(topic, "big-orders").lag() == 0);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"PARTITION"})
    void aBadPatternIsRefusedWithAnErrorThatPointsAtIt(Ordering ordering) {
        assertThatThrownBy(() -> SubscriptionSpec.ordering(ordering).filter("{\"type\": \"order.placed\"}"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("invalid event pattern");
        assertThatThrownBy(() -> SubscriptionSpec.ordering(ordering).filter("{not json"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("invalid event pattern");
        assertThatThrownBy(() -> SubscriptionSpec.ordering(ordering).filter("[]"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("JSON object");
    }
}
