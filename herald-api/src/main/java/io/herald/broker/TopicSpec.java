package io.herald.broker;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a topic is made: its partition count, durability, retention and segment size. An
 * immutable value; each {@code with} method returns a changed copy, so a spec reads as a sentence:
 * {@code TopicSpec.partitions(8).retention(Duration.ofDays(7)).fsync(FsyncPolicy.NEVER)}.
 *
 * @param partitions     number of partitions, 1 to {@value #MAX_PARTITIONS}; fixed at creation
 * @param fsync          when writes reach the disk (and a publish is acknowledged)
 * @param retentionTime  events older than this are deleted, a whole segment at a time; empty = kept forever
 * @param retentionBytes each partition is trimmed to about this size, a whole segment at a time; empty = no limit
 * @param segmentBytes   the size at which a partition rolls to a new segment file
 * @param ephemeral      fire-and-forget: events may be lost on a restart or failure. The embedded
 *                       backend keeps them in memory only (a restart empties the topic); the Kafka
 *                       backend allows unclean leader election and never forces a flush
 */
public record TopicSpec(int partitions, FsyncPolicy fsync, Optional<Duration> retentionTime,
                        Optional<Long> retentionBytes, long segmentBytes, boolean ephemeral) {

    public static final int MAX_PARTITIONS = 4096;
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final long MIN_SEGMENT_BYTES = 1024;
    public static final long MAX_SEGMENT_BYTES = 1L << 30;
    /** What an ephemeral topic keeps in memory per partition when no retention size is given. */
    public static final long DEFAULT_EPHEMERAL_BYTES = 64L * 1024 * 1024;

    public TopicSpec {
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(retentionTime, "retentionTime");
        Objects.requireNonNull(retentionBytes, "retentionBytes");
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new InvalidSpecException("partitions must be between 1 and " + MAX_PARTITIONS + ", got " + partitions);
        }
        retentionTime.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new InvalidSpecException("retention time must be positive, got " + t);
            }
        });
        retentionBytes.ifPresent(b -> {
            if (b <= 0) {
                throw new InvalidSpecException("retention bytes must be positive, got " + b);
            }
        });
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new InvalidSpecException("segment bytes must be between " + MIN_SEGMENT_BYTES + " and "
                    + MAX_SEGMENT_BYTES + ", got " + segmentBytes);
        }
    }

    /** A durable topic with the given partitions, fsync {@code ALWAYS}, unlimited retention. */
    public static TopicSpec partitions(int partitions) {
        return new TopicSpec(partitions, FsyncPolicy.ALWAYS, Optional.empty(), Optional.empty(), DEFAULT_SEGMENT_BYTES, false);
    }

    public static TopicSpec defaults() {
        return partitions(1);
    }

    public TopicSpec withPartitions(int partitions) {
        return new TopicSpec(partitions, fsync, retentionTime, retentionBytes, segmentBytes, ephemeral);
    }

    public TopicSpec fsync(FsyncPolicy fsync) {
        return new TopicSpec(partitions, fsync, retentionTime, retentionBytes, segmentBytes, ephemeral);
    }

    public TopicSpec retention(Duration time) {
        return new TopicSpec(partitions, fsync, Optional.of(time), retentionBytes, segmentBytes, ephemeral);
    }

    public TopicSpec retentionBytes(long bytes) {
        return new TopicSpec(partitions, fsync, retentionTime, Optional.of(bytes), segmentBytes, ephemeral);
    }

    public TopicSpec segmentBytes(long bytes) {
        return new TopicSpec(partitions, fsync, retentionTime, retentionBytes, bytes, ephemeral);
    }

    /**
     * Fire-and-forget: events may be lost on a restart, so no fsync is asked for ({@code NEVER}).
     * The embedded backend keeps them in memory only; see {@link #ephemeral()} for Kafka.
     */
    public TopicSpec asEphemeral() {
        return new TopicSpec(partitions, FsyncPolicy.NEVER, retentionTime, retentionBytes, segmentBytes, true);
    }
}
