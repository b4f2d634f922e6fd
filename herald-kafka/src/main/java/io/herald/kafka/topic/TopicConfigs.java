package io.herald.kafka.topic;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TopicSpec} as Kafka topic configs, and back:
 *
 * <pre>
 * TopicSpec                 Kafka topic config
 * partitions                the partition count
 * retentionTime  empty | d  retention.ms = -1 | d in ms
 * retentionBytes empty | b  retention.bytes = -1 | b (per partition, as in Herald)
 * segmentBytes              segment.bytes (Kafka refuses less than its floor of 1 MiB)
 * fsync ALWAYS              flush.messages = 1: Kafka fsyncs each appended batch before it answers
 * fsync INTERVAL(d)         flush.ms = d
 * fsync NEVER               no flush setting: Kafka's default, the OS page cache (replication is
 *                           Kafka's durability; acks=all waits for the in-sync replicas)
 * (always)                  message.timestamp.type = LogAppendTime, so a record's timestamp is
 *                           when the log appended it, as Herald's appendTime and time replay mean
 * (always)                  max.message.bytes = the backend's max event bytes plus framing
 * ephemeral                 unclean.leader.election.enable = true, no flush setting, and
 *                           retention.bytes = TopicSpec.DEFAULT_EPHEMERAL_BYTES unless given
 * </pre>
 *
 * An ephemeral topic is one whose events may be lost (fire-and-forget). Kafka has no memory-only
 * log; its way to say "availability before durability" is unclean leader election: a replica
 * that missed acknowledged events may become leader, and those events are gone. That setting is
 * also how the backend recognises an ephemeral topic when it describes one.
 */
public final class TopicConfigs {

    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";
    /** Room for Kafka's batch and record framing above the largest event record. */
    public static final int FRAMING_BYTES = 16 * 1024;

    private TopicConfigs() {
    }

    public static Map<String, String> of(TopicSpec spec, int maxEventBytes) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(RETENTION_MS, spec.retentionTime().map(d -> Long.toString(d.toMillis())).orElse("-1"));
        long defaultBytes = spec.ephemeral() ? TopicSpec.DEFAULT_EPHEMERAL_BYTES : -1;
        configs.put(RETENTION_BYTES, Long.toString(spec.retentionBytes().orElse(defaultBytes)));
        configs.put(SEGMENT_BYTES, Long.toString(spec.segmentBytes()));
        if (spec.ephemeral()) {
            configs.put(UNCLEAN_LEADER_ELECTION, "true");
        } else {
            switch (spec.fsync()) {
                case FsyncPolicy.Always a -> configs.put(FLUSH_MESSAGES, "1");
                case FsyncPolicy.Interval i -> configs.put(FLUSH_MS, Long.toString(i.interval().toMillis()));
                case FsyncPolicy.Never n -> { }
            }
        }
        configs.put(TIMESTAMP_TYPE, "LogAppendTime");
        configs.put(MAX_MESSAGE_BYTES, Integer.toString(maxEventBytes + FRAMING_BYTES));
        return configs;
    }

    /** The spec a topic with these configs behaves by; settings Kafka defaults are read as they are. */
    public static TopicSpec spec(int partitions, Map<String, String> configs) {
        TopicSpec spec = TopicSpec.partitions(partitions).fsync(fsync(configs));
        long retentionMs = longOf(configs, RETENTION_MS, -1);
        if (retentionMs > 0) {
            spec = spec.retention(Duration.ofMillis(retentionMs));
        }
        boolean ephemeral = "true".equalsIgnoreCase(configs.getOrDefault(UNCLEAN_LEADER_ELECTION, "false").trim());
        long retentionBytes = longOf(configs, RETENTION_BYTES, -1);
        if (retentionBytes > 0 && !(ephemeral && retentionBytes == TopicSpec.DEFAULT_EPHEMERAL_BYTES)) {
            spec = spec.retentionBytes(retentionBytes);
        }
        long segment = longOf(configs, SEGMENT_BYTES, TopicSpec.DEFAULT_SEGMENT_BYTES);
        if (segment >= TopicSpec.MIN_SEGMENT_BYTES && segment <= TopicSpec.MAX_SEGMENT_BYTES) {
            spec = spec.segmentBytes(segment);
        }
        return ephemeral ? spec.asEphemeral() : spec;
    }

    private static FsyncPolicy fsync(Map<String, String> configs) {
        if (longOf(configs, FLUSH_MESSAGES, Long.MAX_VALUE) == 1) {
            return FsyncPolicy.ALWAYS;
        }
        long flushMs = longOf(configs, FLUSH_MS, Long.MAX_VALUE);
        if (flushMs > 0 && flushMs < Long.MAX_VALUE) {
            return FsyncPolicy.interval(Duration.ofMillis(flushMs));
        }
        return FsyncPolicy.NEVER;
    }

    private static long longOf(Map<String, String> configs, String name, long fallback) {
        String value = configs.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

}
