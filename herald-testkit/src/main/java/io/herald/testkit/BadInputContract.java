package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.InvalidNameException;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionActiveException;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every bad call gets a typed exception that names the problem, and changes nothing. */
public abstract class BadInputContract extends BrokerContract {

    @Test
    void unknownTopicsAreNamedByEveryOperation() {
        String missing = "missing-topic";
        List<Runnable> calls = List.of(
                () -> broker.describeTopic(missing),
                () -> broker.publish(missing, event(1)),
                () -> broker.publish(missing, List.of(event(1))),
                () -> broker.subscribe(missing, "s", SubscriptionSpec.defaults(), d -> { }),
                () -> broker.pullSubscriber(missing, "s", SubscriptionSpec.defaults()),
                () -> broker.reader(missing, StartPosition.EARLIEST),
                () -> broker.listSubscriptions(missing),
                () -> broker.resetSubscription(missing, "s", StartPosition.EARLIEST));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(TopicNotFoundException.class).hasMessageContaining(missing);
        }
        assertThat(broker.listTopics()).extracting(TopicInfo::name).doesNotContain(missing);
    }

    @Test
    void invalidSubscriptionNamesAreRefused() {
        String topic = createTopic(1);
        for (String name : List.of("", "a b", "../x", "__internal")) {
            assertThatThrownBy(() -> broker.pullSubscriber(topic, name, SubscriptionSpec.defaults()))
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageContaining("invalid subscription name");
        }
        assertThat(broker.listSubscriptions(topic)).isEmpty();
    }

    @Test
    void unknownSubscriptionsAreNamed() {
        String topic = createTopic(1);
        assertThatThrownBy(() -> broker.describeSubscription(topic, "ghost"))
                .isInstanceOf(SubscriptionNotFoundException.class).hasMessageContaining("ghost");
        assertThatThrownBy(() -> broker.resetSubscription(topic, "ghost", StartPosition.EARLIEST))
                .isInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> broker.deleteSubscription(topic, "ghost"))
                .isInstanceOf(SubscriptionNotFoundException.class);
    }

    @Test
    void aSubscriptionInUseCannotBeDeletedButAnIdleOneCan() {
        String topic = createTopic(1);
        PullSubscriber consumer = broker.pullSubscriber(topic, "in-use", SubscriptionSpec.defaults());
        assertThatThrownBy(() -> broker.deleteSubscription(topic, "in-use"))
                .isInstanceOf(SubscriptionActiveException.class).hasMessageContaining("in-use");
        consumer.close();
        broker.deleteSubscription(topic, "in-use");
        assertThat(broker.listSubscriptions(topic)).isEmpty();
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingHappens() {
        assertThatThrownBy(() -> SubscriptionSpec.defaults().sessionTimeout(Duration.ofMillis(1)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("session timeout");
        assertThatThrownBy(() -> StartPosition.parse("yesterday"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("yesterday");
        assertThatThrownBy(() -> StartPosition.offset(-1)).isInstanceOf(InvalidSpecException.class);
        String topic = createTopic(1);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", SubscriptionSpec.defaults())) {
            assertThatThrownBy(() -> consumer.poll(0, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
        }
    }

    @Test
    void aClosedBrokerRefusesEverything() throws Exception {
        String topic = createTopic(1);
        broker.close();
        assertThatThrownBy(() -> broker.publish(topic, event(1))).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> broker.createTopic("x", TopicSpec.partitions(1))).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> broker.listTopics()).isInstanceOf(BrokerClosedException.class);
        restart();
        assertThat(broker.listTopics()).extracting(TopicInfo::name).contains(topic);
    }

    @Test
    void failedCallsLeaveTheTopicAsItWas() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 5);
        TopicInfo before = broker.describeTopic(topic);
        assertThatThrownBy(() -> broker.createTopic(topic, TopicSpec.partitions(8))).isInstanceOf(io.herald.broker.TopicExistsException.class);
        assertThatThrownBy(() -> broker.publish(topic, io.herald.event.Event.builder().type("big").source("/t")
                .data(new byte[16 * 1024 * 1024]).build())).isInstanceOf(io.herald.broker.EventTooLargeException.class);
        assertThat(broker.describeTopic(topic)).isEqualTo(before);
    }
}
