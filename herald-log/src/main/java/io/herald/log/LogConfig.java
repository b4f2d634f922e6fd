package io.herald.log;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one partition's log.
 *
 * @param segmentBytes       roll to a new segment once the active one would pass this size
 * @param indexIntervalBytes bytes of log between two index entries
 * @param flushPolicy        when batches are forced to disk
 * @param retentionTime      delete segments whose newest batch is older than this
 * @param retentionBytes     delete the oldest segments while the rest still holds this much
 */
public record LogConfig(long segmentBytes, int indexIntervalBytes, FlushPolicy flushPolicy,
                        Optional<Duration> retentionTime, Optional<Long> retentionBytes) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

    public LogConfig {
        Objects.requireNonNull(flushPolicy, "flushPolicy");
        Objects.requireNonNull(retentionTime, "retentionTime");
        Objects.requireNonNull(retentionBytes, "retentionBytes");
        if (segmentBytes < 1024 || segmentBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("segment bytes must be between 1 KiB and 1 GiB, got " + segmentBytes);
        }
        if (indexIntervalBytes < 64) {
            throw new IllegalArgumentException("index interval must be at least 64 bytes, got " + indexIntervalBytes);
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_BYTES, DEFAULT_INDEX_INTERVAL_BYTES, FlushPolicy.EVERY_BATCH, Optional.empty(), Optional.empty());
    }

    public LogConfig withSegmentBytes(long bytes) {
        return new LogConfig(bytes, indexIntervalBytes, flushPolicy, retentionTime, retentionBytes);
    }

    public LogConfig withIndexIntervalBytes(int bytes) {
        return new LogConfig(segmentBytes, bytes, flushPolicy, retentionTime, retentionBytes);
    }

    public LogConfig withFlushPolicy(FlushPolicy policy) {
        return new LogConfig(segmentBytes, indexIntervalBytes, policy, retentionTime, retentionBytes);
    }

    public LogConfig withRetentionTime(Duration time) {
        return new LogConfig(segmentBytes, indexIntervalBytes, flushPolicy, Optional.of(time), retentionBytes);
    }

    public LogConfig withRetentionBytes(long bytes) {
        return new LogConfig(segmentBytes, indexIntervalBytes, flushPolicy, retentionTime, Optional.of(bytes));
    }
}
