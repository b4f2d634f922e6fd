package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.EventTooLargeException;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicReader;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Delayed events: nothing is delivered before its time; durable across restarts; in the order given. */
public abstract class DelayedEventContract extends BrokerContract {

    @Test
    void aDelayedEventAppearsOnlyWhenDue() {
        String topic = createTopic(1);
        Instant due = Instant.now().plusMillis(800);
        broker.publishAt(topic, event(0), due).join();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            List<StoredEvent> got = new ArrayList<>();
            while (got.isEmpty()) {
                got.addAll(reader.poll(10, Duration.ofMillis(100)));
                if (got.isEmpty()) {
                    assertThat(Instant.now()).as("nothing before it is due").isBefore(due.plusSeconds(20));
                }
            }
            assertThat(got.getFirst().appendTime()).isAfterOrEqualTo(due.minusMillis(1));
            assertThat(got.getFirst().event().id()).isEqualTo("e-0");
        }
    }

    @Test
    void delayedEventsAreDurableAcrossARestart() throws Exception {
        String topic = createTopic(1);
        Instant due = Instant.now().plusMillis(1500);
        broker.publishAt(topic, List.of(event(0), event(1), event(2)), due).join();
        restart();
        // a restart may outlast the delay (Kafka's does), so "not before it is due" is read from the
        // append times rather than from an empty topic right after the restart
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            List<StoredEvent> got = PublishContract.readAll(reader, 3);
            assertThat(got).extracting(e -> numberOf(e.event())).containsExactly(0, 1, 2);
            assertThat(got).allSatisfy(e -> assertThat(e.appendTime()).isAfterOrEqualTo(due.minusMillis(1)));
        }
    }

    @Test
    void aDelayInThePastMeansNowAndADelayAfterOneToo() {
        String topic = createTopic(1);
        broker.publishAt(topic, event(0), Instant.now().minusSeconds(5)).join();
        broker.publishAfter(topic, event(1), Duration.ofMillis(100)).join();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            assertThat(PublishContract.readAll(reader, 2)).extracting(e -> numberOf(e.event())).containsExactly(0, 1);
        }
    }

    @Test
    void badDelayedPublishesAreRefusedAndKeepNothing() {
        String topic = createTopic(1);
        assertThatThrownBy(() -> broker.publishAt("missing", event(0), Instant.now().plusSeconds(1)))
                .isInstanceOf(TopicNotFoundException.class);
        Event huge = Event.builder().type("big").source("/t").data(new byte[8 * 1024 * 1024]).build();
        assertThatThrownBy(() -> broker.publishAt(topic, List.of(event(0), huge), Instant.now().plusMillis(200)))
                .isInstanceOf(EventTooLargeException.class);
        assertThatThrownBy(() -> broker.publishAfter(topic, event(0), Duration.ofSeconds(-1)))
                .isInstanceOf(io.herald.error.InvalidSpecException.class);
        broker.publishAfter(topic, event(9), Duration.ofMillis(300)).join();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            assertThat(PublishContract.readAll(reader, 1)).extracting(e -> numberOf(e.event())).containsExactly(9);
            assertThat(reader.poll(10, Duration.ofMillis(500))).isEmpty();
        }
    }
}
