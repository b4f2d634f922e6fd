package io.herald.broker;

import java.util.List;

/** A topic as it is now: its spec and, per partition, the offsets it holds. */
public record TopicInfo(String name, TopicSpec spec, List<PartitionInfo> partitions) {

    public TopicInfo {
        partitions = List.copyOf(partitions);
    }

    /** Events the topic holds now, over all partitions. */
    public long eventCount() {
        return partitions.stream().mapToLong(p -> p.endOffset() - p.startOffset()).sum();
    }

    public long sizeBytes() {
        return partitions.stream().mapToLong(PartitionInfo::sizeBytes).sum();
    }

    /**
     * One partition: {@code startOffset} is the first offset still held (retention moves it),
     * {@code endOffset} the offset the next event will get.
     */
    public record PartitionInfo(int partition, long startOffset, long endOffset, long sizeBytes) {
    }
}
