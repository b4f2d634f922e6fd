package io.herald.embedded.topic;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.Names;
import io.herald.broker.StorageException;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.embedded.meta.MetadataStore;
import io.herald.embedded.meta.RecoveryLogger;
import io.herald.embedded.meta.TopicRecord;
import io.herald.log.FlushPolicy;
import io.herald.log.Log;
import io.herald.log.LogConfig;
import io.herald.log.LogWriter;
import io.herald.log.MemoryLog;
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
 * made, so a crash in between leaves an empty topic. A delete first renames the topic's directory
 * to a short tombstone that names the topic inside it, then removes the definition, then the
 * files: a crash anywhere in between is completed by the next open, never leaving half a topic.
 * Data on disk is never deleted on a guess: a directory without a definition stays, and a topic
 * is not created over it. Thread-safe; creation and deletion are serialized.
 */
public final class TopicRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicRegistry.class);

    /**
     * Begins the name of a directory being deleted: short whatever the topic's name (a rename to
     * the name plus a suffix went past the 255-byte limit of a file name for long names), and
     * '~' cannot appear in a topic name, so no topic is ever mistaken for one.
     */
    static final String TOMBSTONE_PREFIX = "~deleted.";
    /** Ended the name of a directory being deleted by an earlier version. */
    private static final String OLD_TOMBSTONE_SUFFIX = "~deleted";
    /** In a tombstone: the name of the topic it was, so that the next open can complete its delete. */
    static final String TOMBSTONE_TOPIC_FILE = "~topic";

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
        try (Stream<Path> dirs = Files.list(topicsDir)) {
            for (Path dir : dirs.toList()) {
                if (isTombstone(dir)) {
                    completeDelete(dir, metadata); // a delete that a crash interrupted
                }
            }
        }
        for (TopicRecord record : metadata.topics()) {
            registry.topics.put(record.name(), registry.openTopic(record.name(), record.toSpec()));
        }
        try (Stream<Path> dirs = Files.list(topicsDir)) {
            for (Path dir : dirs.toList()) {
                if (!registry.topics.containsKey(dir.getFileName().toString())) {
                    // never delete data on a guess: a directory without a definition stays until someone moves it
                    LOG.warn("{} has no topic definition; it is left as it is, and no topic of that name is created over it", dir);
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
            refuseDataWithoutDefinition(name);
            metadata.createTopic(TopicRecord.of(name, spec, clock.millis()));
            Topic topic = openTopic(name, spec);
            topics.put(name, topic);
            return topic;
        } catch (IOException e) {
            throw new StorageException("cannot create topic '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * Closes the logs, renames the directory to a tombstone, removes the definition, deletes the
     * files. If the rename fails the topic stays, reopened, and the delete fails naming why; once
     * it is done, the delete completes even across a crash.
     */
    public synchronized Topic delete(String name) {
        Topic topic = get(name);
        topics.remove(name);
        topic.markDeleted();
        topic.close();
        Path dir = topicsDir.resolve(name);
        Path tombstone;
        try {
            tombstone = toTombstone(dir, name);
        } catch (IOException e) {
            for (TopicRecord r : metadata.topics()) {
                if (r.name().equals(name)) {
                    try {
                        topics.put(name, openTopic(name, r.toSpec()));
                    } catch (IOException | RuntimeException reopen) {
                        e.addSuppressed(reopen);
                    }
                }
            }
            throw new StorageException("cannot delete topic '" + name + "': renaming " + dir + " failed: " + e.getMessage()
                    + "; the topic is kept as it was", e);
        }
        metadata.deleteTopic(name);
        try {
            deleteRecursively(tombstone);
        } catch (IOException e) {
            LOG.warn("topic {} is deleted but the files of {} are not all removed yet; the next open removes them", name, tombstone, e);
        }
        return topic;
    }

    /** Refuses to create a topic over a directory that still holds events of an earlier topic of that name. */
    private void refuseDataWithoutDefinition(String name) throws IOException {
        Path dir = topicsDir.resolve(name);
        if (!Files.exists(dir)) {
            return;
        }
        long bytes;
        try (Stream<Path> files = Files.walk(dir)) {
            bytes = files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
        if (bytes > 0) {
            throw new TopicExistsException(name, dir + " holds " + bytes + " bytes of events of an earlier topic '" + name
                    + "' whose definition is gone; nothing was changed. Move the directory away to create the topic anew");
        }
        deleteRecursively(dir); // empty partition directories: nothing to keep
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
                        : SegmentedLog.open(topicsDir.resolve(name).resolve(Integer.toString(p)), config, clock, new RecoveryLogger());
                partitions.add(new Partition(name, p, new LogWriter(log, flush, maxBatchBytes(spec), "herald-" + name + "-" + p)));
            }
        } catch (IOException | RuntimeException e) {
            partitions.forEach(Partition::close);
            throw e;
        }
        return new Topic(name, spec, partitions, encoder);
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

    /**
     * Names the topic inside its directory, then renames the directory to a tombstone (one atomic
     * step), so that a crash mid-delete never leaves a half topic under its name and the next open
     * knows which definition to remove.
     */
    private static Path toTombstone(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(TOMBSTONE_TOPIC_FILE), name);
        Path tombstone = dir.resolveSibling(TOMBSTONE_PREFIX + System.nanoTime());
        Files.move(dir, tombstone, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return tombstone;
    }

    private static boolean isTombstone(Path dir) {
        String name = dir.getFileName().toString();
        return name.startsWith(TOMBSTONE_PREFIX) || name.endsWith(OLD_TOMBSTONE_SUFFIX);
    }

    /** A delete a crash interrupted after the rename: its definition goes if it is still there, then its files. */
    private static void completeDelete(Path tombstone, MetadataStore metadata) throws IOException {
        Path named = tombstone.resolve(TOMBSTONE_TOPIC_FILE);
        if (Files.exists(named)) {
            String name = Files.readString(named);
            boolean defined = metadata.topics().stream().anyMatch(r -> r.name().equals(name));
            if (defined && !Files.exists(tombstone.resolveSibling(name))) {
                LOG.info("completing the delete of topic {} that a stop interrupted", name);
                metadata.deleteTopic(name);
            }
        }
        deleteRecursively(tombstone);
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
