package io.herald.kafka.topic;

import io.herald.broker.StartPosition;
import io.herald.kafka.cluster.Cluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link StartPosition} as one offset per partition, resolved now: earliest and latest by
 * ListOffsets, a time by Kafka's time index (offsetsForTimes; the first record appended at or
 * after it, or the end when there is none), an offset clamped to what the partition holds, and
 * offsets per partition so clamped, the end for a partition they do not list.
 * Resolving at once (not lazily in a consumer) is what makes "latest" mean "after this call".
 */
public final class StartOffsets {

    private StartOffsets() {
    }

    public static Map<TopicPartition, Long> resolve(Cluster cluster, List<TopicPartition> partitions, StartPosition position) {
        return switch (position) {
            case StartPosition.Earliest e -> list(cluster, partitions, OffsetSpec.earliest());
            case StartPosition.Latest l -> list(cluster, partitions, OffsetSpec.latest());
            case StartPosition.AtTime t -> {
                Map<TopicPartition, Long> found = list(cluster, partitions, OffsetSpec.forTimestamp(t.time().toEpochMilli()));
                Map<TopicPartition, Long> ends = list(cluster, partitions, OffsetSpec.latest());
                Map<TopicPartition, Long> offsets = new HashMap<>();
                partitions.forEach(tp -> offsets.put(tp, found.get(tp) < 0 ? ends.get(tp) : found.get(tp)));
                yield offsets;
            }
            case StartPosition.AtOffset o -> clamped(cluster, partitions, tp -> o.offset());
            case StartPosition.AtOffsets o -> clamped(cluster, partitions, tp -> o.offset(tp.partition()).orElse(Long.MAX_VALUE));
        };
    }

    /** The wanted offset of each partition within what it holds (Long.MAX_VALUE: its end). */
    private static Map<TopicPartition, Long> clamped(Cluster cluster, List<TopicPartition> partitions,
                                                     ToLongFunction<TopicPartition> wanted) {
        Map<TopicPartition, Long> starts = list(cluster, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> ends = list(cluster, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> offsets = new HashMap<>();
        partitions.forEach(tp -> offsets.put(tp, Math.max(starts.get(tp), Math.min(wanted.applyAsLong(tp), ends.get(tp)))));
        return offsets;
    }

    public static Map<TopicPartition, Long> ends(Cluster cluster, List<TopicPartition> partitions) {
        return list(cluster, partitions, OffsetSpec.latest());
    }

    public static Map<TopicPartition, Long> starts(Cluster cluster, List<TopicPartition> partitions) {
        return list(cluster, partitions, OffsetSpec.earliest());
    }

    private static Map<TopicPartition, Long> list(Cluster cluster, List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> result = cluster.await(cluster.admin().listOffsets(request).all(), "listing offsets");
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }
}
