package io.herald.embedded;

import io.herald.EmbeddedConfig;
import io.herald.broker.Broker;
import io.herald.broker.BrokerClosedException;
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
import io.herald.embedded.group.GroupCoordinator;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.MetadataStore;
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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *   topics/&lt;name&gt;/&lt;partition&gt;/   each partition's segments and indexes
 * </pre>
 *
 * One maintenance thread flushes cursor commits every {@value #CURSOR_FLUSH_MILLIS} ms, evicts
 * silent consumers and runs retention. Thread-safe.
 */
public final class EmbeddedBroker implements Broker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    static final long CURSOR_FLUSH_MILLIS = 20;
    private static final long SESSION_CHECK_MILLIS = 50;

    private final EmbeddedConfig config;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final MetadataStore metadata;
    private final CursorStore cursors;
    private final TopicRegistry topics;
    private final GroupCoordinator groups;
    private final ScheduledExecutorService maintenance;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedBroker(EmbeddedConfig config, FileChannel lockChannel, FileLock lock, MetadataStore metadata,
                           CursorStore cursors, TopicRegistry topics) {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.metadata = metadata;
        this.cursors = cursors;
        this.topics = topics;
        this.groups = new GroupCoordinator(topics, metadata, cursors, Clock.systemUTC());
        this.maintenance = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("herald-maintenance").daemon(true).factory());
        maintenance.scheduleWithFixedDelay(guarded("cursor flush", cursors::flush), CURSOR_FLUSH_MILLIS, CURSOR_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(guarded("session check", groups::expireSilentMembers), SESSION_CHECK_MILLIS, SESSION_CHECK_MILLIS, TimeUnit.MILLISECONDS);
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
            metadata = MetadataStore.open(dir.resolve("internal").resolve("metadata").resolve("0"));
            cursors = CursorStore.open(dir.resolve("internal").resolve("cursors").resolve("0"));
            TopicRegistry topics = TopicRegistry.open(dir.resolve("topics"), metadata, config.maxEventBytes(), Clock.systemUTC());
            return new EmbeddedBroker(config, lockChannel, lock, metadata, cursors, topics);
        } catch (IOException | RuntimeException e) {
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

    private void checkOpen() {
        if (closed.get()) {
            throw new BrokerClosedException("the embedded broker on " + config.dataDirectory());
        }
    }

    @Override
    public TopicInfo createTopic(String name, TopicSpec spec) {
        checkOpen();
        Objects.requireNonNull(spec, "spec");
        return topics.create(name, spec).info();
    }

    @Override
    public List<TopicInfo> listTopics() {
        checkOpen();
        return topics.list().stream().map(Topic::info).toList();
    }

    @Override
    public TopicInfo describeTopic(String name) {
        checkOpen();
        return topics.get(name).info();
    }

    @Override
    public void deleteTopic(String name) {
        checkOpen();
        topics.get(name);
        groups.topicDeleted(name);
        topics.delete(name);
    }

    @Override
    public CompletableFuture<Position> publish(String topic, Event event) {
        checkOpen();
        Objects.requireNonNull(event, "event");
        return topics.get(topic).publish(event);
    }

    @Override
    public CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
        checkOpen();
        Objects.requireNonNull(events, "events");
        Topic t = topics.get(topic);
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        events.forEach(e -> Objects.requireNonNull(e, "events contains null"));
        return t.publish(events);
    }

    @Override
    public Subscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        checkOpen();
        Objects.requireNonNull(spec, "spec");
        return groups.subscribe(topic, subscription, spec, handler);
    }

    @Override
    public PullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        checkOpen();
        Objects.requireNonNull(spec, "spec");
        return groups.pullSubscriber(topic, subscription, spec);
    }

    @Override
    public TopicReader reader(String topic, StartPosition from) {
        checkOpen();
        Objects.requireNonNull(from, "from");
        return new EmbeddedTopicReader(topics.get(topic), from);
    }

    @Override
    public List<SubscriptionInfo> listSubscriptions(String topic) {
        checkOpen();
        return groups.list(topic);
    }

    @Override
    public SubscriptionInfo describeSubscription(String topic, String subscription) {
        checkOpen();
        return groups.describe(topic, subscription);
    }

    @Override
    public void resetSubscription(String topic, String subscription, StartPosition to) {
        checkOpen();
        Objects.requireNonNull(to, "to");
        groups.reset(topic, subscription, to);
    }

    @Override
    public void deleteSubscription(String topic, String subscription) {
        checkOpen();
        groups.delete(topic, subscription);
    }

    /** Runs retention on every topic now (it also runs every {@link EmbeddedConfig#retentionInterval()}). */
    public void applyRetention() {
        checkOpen();
        topics.applyRetention();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        groups.close();
        maintenance.shutdownNow();
        try {
            maintenance.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
