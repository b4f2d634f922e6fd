package io.herald.embedded.meta;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicSpec;
import java.time.Duration;
import java.util.Optional;

/** A topic's definition as the metadata log stores it (JSON); decoupled from the API's {@link TopicSpec} on purpose. */
public record TopicRecord(String name, int partitions, String fsync, Long retentionMillis, Long retentionBytes,
                          long segmentBytes, boolean ephemeral, long createdAt) {

    public static TopicRecord of(String name, TopicSpec spec, long createdAt) {
        return new TopicRecord(name, spec.partitions(), spec.fsync().toString(),
                spec.retentionTime().map(Duration::toMillis).orElse(null),
                spec.retentionBytes().orElse(null), spec.segmentBytes(), spec.ephemeral(), createdAt);
    }

    public TopicSpec toSpec() {
        return new TopicSpec(partitions, FsyncPolicy.parse(fsync),
                Optional.ofNullable(retentionMillis).map(Duration::ofMillis),
                Optional.ofNullable(retentionBytes), segmentBytes, ephemeral);
    }
}
