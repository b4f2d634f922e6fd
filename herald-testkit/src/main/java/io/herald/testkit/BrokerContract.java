package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The base of every conformance test class: a fresh {@link BrokerFixture} per test, unique topic
 * names (so a backend may share one cluster across tests), and helpers to publish and drain.
 * A backend runs the suite by extending each {@code *Contract} class and implementing {@link #newFixture()}.
 */
public abstract class BrokerContract {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    protected BrokerFixture fixture;
    protected Broker broker;
    private String testName;

    /** A broker on fresh storage, for one test. */
    protected abstract BrokerFixture newFixture() throws Exception;

    @BeforeEach
    void openFixture(TestInfo info) throws Exception {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
        fixture = newFixture();
        broker = fixture.broker();
    }

    @AfterEach
    void closeFixture() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    protected Broker restart() throws Exception {
        broker = fixture.restart();
        return broker;
    }

    /** A topic name unique to this test run. */
    protected String uniqueName(String prefix) {
        String base = testName.length() > 40 ? testName.substring(0, 40) : testName;
        return prefix + "-" + base + "-" + COUNTER.incrementAndGet();
    }

    protected String createTopic(int partitions) {
        return createTopic(TopicSpec.partitions(partitions));
    }

    protected String createTopic(TopicSpec spec) {
        String name = uniqueName("t");
        broker.createTopic(name, spec);
        return name;
    }

    protected static Event event(int n) {
        return Event.builder().type("test.event").source("/conformance").id("e-" + n).json("{\"n\":" + n + "}").build();
    }

    protected static Event event(int n, String key) {
        return event(n).withPartitionKey(key);
    }

    /** Publishes events 0..count-1 one at a time and waits for every acknowledgement. */
    protected void publishNumbered(String topic, int from, int count) {
        List<java.util.concurrent.CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            futures.add(broker.publish(topic, event(i)));
        }
        futures.forEach(java.util.concurrent.CompletableFuture::join);
    }

    protected static int numberOf(Event event) {
        return Integer.parseInt(event.id().substring(2));
    }

    protected static SubscriptionSpec fromEarliest() {
        return SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST);
    }

    /** Polls until {@code count} deliveries arrived, acking each; fails after 20 s. */
    protected static List<Delivery> pollAndAck(PullSubscriber subscriber, int count) {
        List<Delivery> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Delivery d : subscriber.poll(count - got.size(), Duration.ofMillis(100))) {
                d.ack();
                got.add(d);
            }
            return got.size() >= count;
        });
        return got;
    }

    /** Asserts that, within each partition, the deliveries' offsets strictly increase. */
    protected static void assertPartitionOrder(List<Delivery> deliveries) {
        java.util.Map<Integer, Long> last = new java.util.HashMap<>();
        for (Delivery d : deliveries) {
            Long previous = last.put(d.position().partition(), d.position().offset());
            if (previous != null) {
                assertThat(d.position().offset()).as("order in partition %d", d.position().partition()).isGreaterThan(previous);
            }
        }
    }
}
