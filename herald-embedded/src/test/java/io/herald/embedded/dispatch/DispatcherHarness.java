package io.herald.embedded.dispatch;

import static org.awaitility.Awaitility.await;

import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.RedriveTarget;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.deadletter.EmbeddedDeadLetterQueue;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.meta.MetadataStore;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import io.herald.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * A {@link Dispatcher} on real stores in a temporary directory, driven by hand: a clock the test
 * moves, a "random" that always picks the largest backoff (so retries are predictable), restarts
 * that reopen the stores, and the subscription's dead-letter queue.
 */
final class DispatcherHarness implements AutoCloseable {

    static final String TOPIC = "orders";
    static final String SUBSCRIPTION = "model";

    final ManualClock clock = new ManualClock(1_800_000_000_000L);
    final SubscriptionSpec spec;
    private final Path dir;
    private final MetadataStore metadata;
    private final TopicRegistry topics;
    private final Topic topic;
    private CursorStore cursors;
    private DeliveryStateStore states;
    private Dispatcher dispatcher;

    DispatcherHarness(SubscriptionSpec spec, List<Event> events) throws IOException {
        this.spec = spec;
        this.dir = Files.createTempDirectory("dispatcher-model");
        this.metadata = MetadataStore.open(dir.resolve("metadata"));
        this.topics = TopicRegistry.open(dir.resolve("topics"), metadata, 1 << 20, Clock.systemUTC());
        this.topic = topics.create(TOPIC, TopicSpec.partitions(1).fsync(FsyncPolicy.NEVER));
        topic.publish(events).join();
        openStores();
        cursors.commit(TOPIC, SUBSCRIPTION, 0, 0);
        this.dispatcher = newDispatcher();
    }

    private void openStores() throws IOException {
        cursors = CursorStore.open(dir.resolve("cursors"));
        states = DeliveryStateStore.open(dir.resolve("deliveries"));
    }

    private Dispatcher newDispatcher() {
        return new Dispatcher(topic, SUBSCRIPTION, spec, cursors, states, new DeadLetterSink(topics), clock, new LargestBackoff());
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    DeliveryStateStore states() {
        return states;
    }

    Topic topic() {
        return topic;
    }

    DeadLetterSink deadLetterSink() {
        return new DeadLetterSink(topics);
    }

    /** The broker stops (cleanly: what is in memory is flushed) and starts again on the same directory. */
    void restart() throws IOException {
        dispatcher.close();
        states.close();
        cursors.close();
        openStores();
        dispatcher = newDispatcher();
    }

    /**
     * The process dies (kill -9) just after the broker's periodic flush of its stores: what the
     * dispatcher handed to them is on disk, and nothing of the dispatcher's own close runs.
     */
    void crash() throws IOException {
        states.close();
        cursors.close();
        openStores();
        dispatcher = newDispatcher();
    }

    /** Waits until no dead letter is being written. */
    void settle() {
        await().atMost(Duration.ofSeconds(20)).until(() -> !dispatcher.settling());
    }

    DeadLetterQueue deadLetters() {
        return new EmbeddedDeadLetterQueue(TOPIC, SUBSCRIPTION, spec.deadLetterTopicFor(TOPIC, SUBSCRIPTION), topics, states,
                new EmbeddedDeadLetterQueue.Listener() {
                    @Override
                    public void redriven() {
                        dispatcher.loadRedrives();
                    }

                    @Override
                    public void purged(Set<String> keys) {
                        keys.forEach(dispatcher::unpark);
                    }
                });
    }

    long redriveAll() {
        return deadLetters().redrive(DeadLetterSelector.all(), RedriveTarget.subscription(), DeadLetterQueue.Progress.NONE);
    }

    /** Every dead letter ever written for the subscription, resolved or not: event id per dead letter. */
    List<String> everyDeadLetterWritten() {
        List<String> ids = new ArrayList<>();
        try {
            Topic dlq = topics.get(spec.deadLetterTopicFor(TOPIC, SUBSCRIPTION));
            var fetcher = new io.herald.embedded.topic.PartitionFetcher(dlq.partition(0), 0);
            io.herald.broker.StoredEvent e;
            while ((e = fetcher.next()) != null) {
                ids.add(e.event().id());
            }
        } catch (io.herald.broker.TopicNotFoundException none) {
            // nothing dead-lettered yet
        }
        return ids;
    }

    long cursor() {
        return dispatcher.cursor(0);
    }

    @Override
    public void close() throws IOException {
        dispatcher.close();
        states.close();
        cursors.close();
        topics.close();
        metadata.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A clock a test moves by hand. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis;

        ManualClock(long start) {
            this.millis = new AtomicLong(start);
        }

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Full jitter's upper end every time: a backoff the model can predict. */
    static final class LargestBackoff implements RandomGenerator {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    }
}
