package io.herald.embedded.topic;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.Names;
import io.herald.broker.StorageException;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.embedded.meta.MetadataStore;
import io.herald.embedded.meta.TopicRecord;
import io.herald.log.FlushPolicy;
import io.herald.log.Log;
import io.herald.log.LogConfig;
import io.herald.log.LogWriter;
import io.herald.log.MemoryLog;
import io.herald.log.RecoveryListener;
import io.herald.log.SegmentedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics of a data directory: their definitions (in the {@link MetadataStore}) and their
 * open logs under {@code topics/<name>/<partition>/}. A definition is written before the logs are
 * made and removed before they are deleted, so a crash in between leaves either an empty topic or
 * a stray directory, which the next open deletes. Thread-safe; creation and deletion are serialized.
 */
public final class TopicRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicRegistry.class);

    /** Marks a directory being deleted; '~' cannot appear in a topic name, so no topic is ever mistaken for one. */
    static final String DELETED_SUFFIX = "~deleted";

    private final Path topicsDir;
    private final MetadataStore metadata;
    private final EventEncoder encoder;
    private final Clock clock;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();

    private TopicRegistry(Path topicsDir, MetadataStore metadata, int maxEventBytes, Clock clock) {
        this.topicsDir = topicsDir;
        this.metadata = metadata;
        this.encoder = new EventEncoder(maxEventBytes);
        this.clock = clock;
    }

    public static TopicRegistry open(Path topicsDir, MetadataStore metadata, int maxEventBytes, Clock clock) throws IOException {
        Files.createDirectories(topicsDir);
        TopicRegistry registry = new TopicRegistry(topicsDir, metadata, maxEventBytes, clock);
        for (TopicRecord record : metadata.topics()) {
            registry.topics.put(record.name(), registry.openTopic(record.name(), record.toSpec()));
        }
        try (Stream<Path> dirs = Files.list(topicsDir)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (name.endsWith(DELETED_SUFFIX)) {
                    deleteRecursively(dir); // a deletion that a crash interrupted
                } else if (!registry.topics.containsKey(name)) {
                    // never delete data on a guess: a directory without a definition stays until the
                    // topic is created again (which moves it aside) or someone removes it
                    LOG.warn("{} has no topic definition; it is left as it is", dir);
                }
            }
        }
        return registry;
    }

    public Topic get(String name) {
        Topic topic = topics.get(name);
        if (topic == null) {
            throw new TopicNotFoundException(name);
        }
        return topic;
    }

    public List<Topic> list() {
        return topics.values().stream().sorted(Comparator.comparing(Topic::name)).toList();
    }

    public synchronized Topic create(String name, TopicSpec spec) {
        Names.requireValidTopic(name);
        if (topics.containsKey(name)) {
            throw new TopicExistsException(name);
        }
        try {
            moveAsideAndDelete(topicsDir.resolve(name));
            metadata.createTopic(TopicRecord.of(name, spec, clock.millis()));
            Topic topic = openTopic(name, spec);
            topics.put(name, topic);
            return topic;
        } catch (IOException e) {
            throw new StorageException("cannot create topic '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Removes the definition, closes the logs, deletes the files. */
    public synchronized Topic delete(String name) {
        Topic topic = get(name);
        metadata.deleteTopic(name);
        topics.remove(name);
        topic.markDeleted();
        topic.close();
        try {
            moveAsideAndDelete(topicsDir.resolve(name));
        } catch (IOException e) {
            LOG.warn("topic {} is deleted but its files are not; the next open removes them", name, e);
        }
        return topic;
    }

    /** Starts retention on every partition; returns once each has run. */
    public void applyRetention() {
        long now = clock.millis();
        List<java.util.concurrent.CompletableFuture<Long>> runs = new ArrayList<>();
        for (Topic topic : topics.values()) {
            for (Partition p : topic.partitions()) {
                runs.add(p.applyRetention(now).exceptionally(e -> 0L));
            }
        }
        runs.forEach(java.util.concurrent.CompletableFuture::join);
    }

    private Topic openTopic(String name, TopicSpec spec) throws IOException {
        LogConfig config = logConfig(spec);
        FlushPolicy flush = flushPolicy(spec.fsync());
        List<Partition> partitions = new ArrayList<>(spec.partitions());
        try {
            for (int p = 0; p < spec.partitions(); p++) {
                Log log = spec.ephemeral()
                        ? new MemoryLog(name + "/" + p, config, spec.retentionBytes().orElse(TopicSpec.DEFAULT_EPHEMERAL_BYTES), clock)
                        : SegmentedLog.open(topicsDir.resolve(name).resolve(Integer.toString(p)), config, clock, recoveryLogger());
                partitions.add(new Partition(name, p, new LogWriter(log, flush, maxBatchBytes(spec), "herald-" + name + "-" + p)));
            }
        } catch (IOException | RuntimeException e) {
            partitions.forEach(Partition::close);
            throw e;
        }
        return new Topic(name, spec, partitions, encoder);
    }

    private static RecoveryListener recoveryLogger() {
        return new RecoveryListener() {
            @Override
            public void truncated(Path file, long position, String problem) {
                LOG.warn("recovery cut the torn tail of {} at byte {}: {}", file, position, problem);
            }

            @Override
            public void damaged(Path file, long position, String problem) {
                LOG.error("{} is damaged at byte {} and kept as it is: reads of the offsets it covers fail, all others go on; "
                        + "restore the file or skip the range: {}", file, position, problem);
            }
        };
    }

    /** A quarter of a segment, so that a busy writer's batches still fill several segments (retention deletes whole ones). */
    static int maxBatchBytes(TopicSpec spec) {
        return (int) Math.min(LogWriter.MAX_BATCH_BYTES, Math.max(1024, spec.segmentBytes() / 4));
    }

    static LogConfig logConfig(TopicSpec spec) {
        LogConfig config = LogConfig.defaults().withSegmentBytes(spec.segmentBytes()).withFlushPolicy(flushPolicy(spec.fsync()));
        if (spec.retentionTime().isPresent()) {
            config = config.withRetentionTime(spec.retentionTime().get());
        }
        if (spec.retentionBytes().isPresent()) {
            config = config.withRetentionBytes(spec.retentionBytes().get());
        }
        return config;
    }

    static FlushPolicy flushPolicy(FsyncPolicy fsync) {
        return switch (fsync) {
            case FsyncPolicy.Always a -> FlushPolicy.EVERY_BATCH;
            case FsyncPolicy.Interval i -> FlushPolicy.interval(i.interval());
            case FsyncPolicy.Never n -> FlushPolicy.NEVER;
        };
    }

    /** Renames the directory first (one atomic step), so a crash mid-delete never leaves a half topic under its name. */
    private static void moveAsideAndDelete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Path aside = dir.resolveSibling(dir.getFileName() + "." + System.nanoTime() + DELETED_SUFFIX);
        Files.move(dir, aside, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(aside);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        topics.values().forEach(Topic::close);
        topics.clear();
    }
}
