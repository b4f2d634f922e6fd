package io.herald.cli;

import io.herald.broker.Durations;
import io.herald.broker.TopicSpec;
import java.util.ArrayList;
import java.util.List;

/** A topic spec's settings in the words the CLI's options use, so output can be pasted back as options. */
final class TopicSpecText {

    private TopicSpecText() {
    }

    /** {@code always}, {@code interval:200ms}, {@code never}, or {@code ephemeral} (nothing reaches a disk). */
    static String fsync(TopicSpec spec) {
        return spec.ephemeral() ? "ephemeral" : spec.fsync().toString();
    }

    /** {@code forever}, {@code 7d}, {@code 1 GiB/partition} or both. */
    static String retention(TopicSpec spec) {
        List<String> limits = new ArrayList<>();
        spec.retentionTime().ifPresent(t -> limits.add(Durations.format(t)));
        spec.retentionBytes().ifPresent(b -> limits.add(ByteSize.format(b) + "/partition"));
        return limits.isEmpty() ? "forever" : String.join(", ", limits);
    }
}
