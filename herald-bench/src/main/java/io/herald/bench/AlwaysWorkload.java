package io.herald.bench;

import io.herald.bench.PublishWorkload.PublishCase;
import java.util.List;

/**
 * Durable publishing (fsync ALWAYS) where group commit has to carry it: 64 synchronous
 * publishers on virtual threads, each waiting for its acknowledgement before the next publish
 * (target >= 100,000 events/s), and pipelined single publishes (target >= 500,000 events/s).
 * Kafka's peer is {@code flush.messages=1}.
 */
final class AlwaysWorkload {

    static final String NAME = "always";
    static final int SYNC_PUBLISHERS = 64;

    private AlwaysWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        return List.of(
                new PublishCase(NAME, 100, 1, Durability.ALWAYS, PublishMode.SYNC, SYNC_PUBLISHERS, true),
                new PublishCase(NAME, 100, 8, Durability.ALWAYS, PublishMode.SYNC, SYNC_PUBLISHERS, true),
                new PublishCase(NAME, 100, 1, Durability.ALWAYS, PublishMode.SINGLE, 1, false),
                new PublishCase(NAME, 100, 8, Durability.ALWAYS, PublishMode.SINGLE, 8, false));
    }
}
