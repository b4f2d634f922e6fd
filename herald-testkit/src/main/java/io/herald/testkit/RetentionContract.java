package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retention deletes old events a whole segment at a time; readers and subscriptions behind it
 * continue at the oldest event still held. A backend's fixture must run retention often enough
 * (every second or faster) for these tests.
 */
public abstract class RetentionContract extends BrokerContract {

    private static final String PAYLOAD = "x".repeat(1000);

    @Test
    void retentionBySizeDropsTheOldestEvents() {
        String topic = createTopic(smallSegments());
        publishPadded(topic, 0, tenSegmentsOfEvents());
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.describeTopic(topic).partitions().getFirst().startOffset() > 0);
        long start = broker.describeTopic(topic).partitions().getFirst().startOffset();
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            var first = reader.poll(1, Duration.ofSeconds(5)).getFirst();
            assertThat(first.position().offset()).isGreaterThanOrEqualTo(start);
            assertThat(numberOf(first.event())).isEqualTo((int) first.position().offset());
        }
        assertThat(broker.describeTopic(topic).partitions().getFirst().endOffset()).isEqualTo(tenSegmentsOfEvents());
    }

    @Test
    void retentionByTimeDropsExpiredEvents() {
        String topic = createTopic(TopicSpec.partitions(1).retention(Duration.ofSeconds(1)));
        publishPadded(topic, 0, 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.describeTopic(topic).eventCount() == 0);
        publishPadded(topic, 20, 1);
        try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
            assertThat(numberOf(reader.poll(10, Duration.ofSeconds(5)).getFirst().event())).isEqualTo(20);
        }
    }

    @Test
    void aSubscriptionBehindRetentionContinuesAtTheOldestEventHeld() {
        String topic = createTopic(smallSegments());
        try (PullSubscriber early = broker.pullSubscriber(topic, "slow", fromEarliest())) {
            early.poll(1, Duration.ZERO);
        }
        publishPadded(topic, 0, tenSegmentsOfEvents());
        await().atMost(Duration.ofSeconds(30)).until(() -> broker.describeTopic(topic).partitions().getFirst().startOffset() > 0);
        long start = broker.describeTopic(topic).partitions().getFirst().startOffset();
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "slow", fromEarliest())) {
            List<Delivery> got = pollAndAck(consumer, 1);
            assertThat(got.getFirst().position().offset()).isGreaterThanOrEqualTo(start);
        }
    }

    /** A topic whose partition holds about two of the backend's smallest segments. */
    private TopicSpec smallSegments() {
        long segment = fixture.smallSegmentBytes();
        return TopicSpec.partitions(1).segmentBytes(segment).retentionBytes(2 * segment);
    }

    /** Events of about 1 KiB that fill some ten segments. */
    private int tenSegmentsOfEvents() {
        return (int) (10 * fixture.smallSegmentBytes() / 1024);
    }

    private void publishPadded(String topic, int from, int count) {
        List<java.util.concurrent.CompletableFuture<?>> futures = new java.util.ArrayList<>();
        for (int i = from; i < from + count; i++) {
            futures.add(broker.publish(topic, io.herald.event.Event.builder().type("test.event").source("/conformance")
                    .id("e-" + i).data(PAYLOAD).build()));
        }
        futures.forEach(java.util.concurrent.CompletableFuture::join);
    }
}
