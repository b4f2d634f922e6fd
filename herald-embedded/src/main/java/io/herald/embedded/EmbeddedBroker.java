package io.herald.embedded;

import io.herald.EmbeddedConfig;
import io.herald.broker.Broker;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.StorageException;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.spi.AbstractBroker;
import io.herald.embedded.delay.DelayedEvents;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.meta.MetadataStore;
import io.herald.embedded.meta.ProcessedEventStore;
import io.herald.broker.ProcessedEvents;
import java.time.Duration;
import io.herald.embedded.subscription.SubscriptionCoordinator;
import io.herald.embedded.topic.EventEncoder;
import io.herald.embedded.topic.EmbeddedTopicReader;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import io.herald.event.Event;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Broker API in one JVM on a data directory:
 *
 * <pre>
 * data/
 *   LOCK                        held while a broker has the directory open
 *   internal/metadata/0/        topic and subscription definitions (a {@code StateLog})
 *   internal/cursors/0/         subscription cursors (a {@code StateLog})
 *   internal/deliveries/0/      failures, dead-letterings, parked keys, redrives (a {@code StateLog})
 *   internal/delayed/0/         events published for later, until they are due
 *   topics/&lt;name&gt;/&lt;partition&gt;/   each partition's segments and indexes
 * </pre>
 *
 * One maintenance thread flushes cursor commits and delivery states every
 * {@value #CURSOR_FLUSH_MILLIS} ms, evicts silent consumers and runs retention. Thread-safe.
 */
public final class EmbeddedBroker extends AbstractBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    static final long CURSOR_FLUSH_MILLIS = 20;
    private static final long SESSION_CHECK_MILLIS = 50;

    private final EmbeddedConfig config;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final MetadataStore metadata;
    private final CursorStore cursors;
    private final DeliveryStateStore states;
    private final TopicRegistry topics;
    private final DelayedEvents delayed;
    private final SubscriptionCoordinator subscriptions;
    private final ScheduledExecutorService maintenance;
    private ProcessedEventStore processed;

    private EmbeddedBroker(EmbeddedConfig config, FileChannel lockChannel, FileLock lock, MetadataStore metadata,
                           CursorStore cursors, DeliveryStateStore states, TopicRegistry topics, DelayedEvents delayed) {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.metadata = metadata;
        this.cursors = cursors;
        this.states = states;
        this.topics = topics;
        this.delayed = delayed;
        this.subscriptions = new SubscriptionCoordinator(topics, metadata, cursors, states, Clock.systemUTC(),
                java.util.random.RandomGenerator.of("L64X128MixRandom"));
        this.maintenance = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("herald-maintenance").daemon(true).factory());
        maintenance.scheduleWithFixedDelay(guarded("cursor flush", () -> {
            cursors.flush();
            states.flush();
        }), CURSOR_FLUSH_MILLIS, CURSOR_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(guarded("session check", subscriptions::expireSilentMembers), SESSION_CHECK_MILLIS, SESSION_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        long retention = config.retentionInterval().toMillis();
        // retention runs once at open too, so that short-lived processes (the CLI) also trim
        maintenance.scheduleWithFixedDelay(guarded("retention", topics::applyRetention), 0, retention, TimeUnit.MILLISECONDS);
    }

    /** Opens (recovering) or creates the data directory; throws {@link StorageException} if another process holds it. */
    public static EmbeddedBroker open(EmbeddedConfig config) {
        Path dir = config.dataDirectory();
        FileChannel lockChannel = null;
        MetadataStore metadata = null;
        CursorStore cursors = null;
        DeliveryStateStore states = null;
        TopicRegistry topics = null;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StorageException("data directory " + dir.toAbsolutePath() + " is a file, not a directory");
        }
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                throw new StorageException("data directory " + dir.toAbsolutePath() + " is already open in this process");
            }
            if (lock == null) {
                throw new StorageException("data directory " + dir.toAbsolutePath() + " is in use by another Herald process");
            }
            Path internal = dir.resolve("internal");
            metadata = MetadataStore.open(internal.resolve("metadata").resolve("0"));
            cursors = CursorStore.open(internal.resolve("cursors").resolve("0"));
            states = DeliveryStateStore.open(internal.resolve("deliveries").resolve("0"));
            topics = TopicRegistry.open(dir.resolve("topics"), metadata, config.maxEventBytes(), Clock.systemUTC());
            DelayedEvents delayed = DelayedEvents.open(internal.resolve("delayed").resolve("0"), topics, states,
                    new EventEncoder(config.maxEventBytes()), Clock.systemUTC());
            return new EmbeddedBroker(config, lockChannel, lock, metadata, cursors, states, topics, delayed);
        } catch (IOException | RuntimeException e) {
            if (topics != null) {
                topics.close();
            }
            if (states != null) {
                states.close();
            }
            if (cursors != null) {
                cursors.close();
            }
            if (metadata != null) {
                metadata.close();
            }
            closeQuietly(lockChannel);
            if (e instanceof StorageException s) {
                throw s;
            }
            throw new StorageException("cannot open data directory " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    public static EmbeddedBroker open(Path dataDirectory) {
        return open(EmbeddedConfig.of(dataDirectory));
    }

    public EmbeddedConfig config() {
        return config;
    }

    @Override
    protected String describe() {
        return "the embedded broker on " + config.dataDirectory();
    }

    @Override
    protected TopicInfo doCreateTopic(String name, TopicSpec spec) {
        return topics.create(name, spec).info();
    }

    @Override
    protected List<TopicInfo> doListTopics() {
        return topics.list().stream().map(Topic::info).toList();
    }

    @Override
    protected TopicInfo doDescribeTopic(String name) {
        return topics.get(name).info();
    }

    @Override
    protected void doDeleteTopic(String name) {
        topics.get(name);
        subscriptions.topicDeleted(name);
        topics.delete(name);
    }

    @Override
    protected CompletableFuture<Position> doPublish(String topic, Event event) {
        return topics.get(topic).publish(event);
    }

    @Override
    protected CompletableFuture<List<Position>> doPublish(String topic, List<Event> events) {
        Topic t = topics.get(topic);
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return t.publish(events);
    }

    @Override
    protected Subscriber doSubscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        return subscriptions.subscribe(topic, subscription, spec, handler);
    }

    @Override
    protected PullSubscriber doPullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        return subscriptions.pullSubscriber(topic, subscription, spec);
    }

    @Override
    protected TopicReader doReader(String topic, StartPosition from) {
        return new EmbeddedTopicReader(topics.get(topic), from);
    }

    @Override
    protected List<SubscriptionInfo> doListSubscriptions(String topic) {
        return subscriptions.list(topic);
    }

    @Override
    protected SubscriptionInfo doDescribeSubscription(String topic, String subscription) {
        return subscriptions.describe(topic, subscription);
    }

    @Override
    protected void doResetSubscription(String topic, String subscription, StartPosition to) {
        subscriptions.reset(topic, subscription, to);
    }

    @Override
    protected void doDeleteSubscription(String topic, String subscription) {
        subscriptions.delete(topic, subscription);
    }

    @Override
    protected DeadLetterQueue doDeadLetters(String topic, String subscription) {
        return subscriptions.deadLetters(topic, subscription);
    }

    @Override
    protected CompletableFuture<Void> doPublishAt(String topic, List<Event> events, Instant deliverAt) {
        Topic t = topics.get(topic);
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (!deliverAt.isAfter(Instant.now())) {
            return t.publish(events).thenApply(positions -> null);
        }
        return delayed.schedule(t, events, deliverAt);
    }

    /** Runs retention on every topic now (it also runs every {@link EmbeddedConfig#retentionInterval()}). */
    public void applyRetention() {
        checkOpen();
        topics.applyRetention();
    }

    /**
     * The record of handled events for idempotent consumers, kept for {@code retention}; one per
     * broker, opened on first use (a later call's retention is ignored).
     */
    public synchronized ProcessedEvents processedEvents(Duration retention) {
        checkOpen();
        if (processed == null) {
            try {
                processed = ProcessedEventStore.open(config.dataDirectory().resolve("internal").resolve("processed").resolve("0"),
                        retention, Clock.systemUTC());
            } catch (IOException e) {
                throw new StorageException("cannot open the record of processed events: " + e.getMessage(), e);
            }
        }
        return processed;
    }

    @Override
    protected void doClose() {
        subscriptions.close();
        delayed.close();
        maintenance.shutdownNow();
        try {
            maintenance.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (processed != null) {
                processed.close();
            }
        }
        states.close();
        cursors.close();
        topics.close();
        metadata.close();
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("cannot release the lock of {}", config.dataDirectory(), e);
        }
        closeQuietly(lockChannel);
    }

    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed; it runs again shortly", what, e);
            }
        };
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do with it
            }
        }
    }
}
