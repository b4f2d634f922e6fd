package io.herald.bench;

import io.herald.broker.FsyncPolicy;
import java.util.Locale;
import java.util.Map;

/**
 * The durability a workload asks of a topic, and what each system calls it. Kafka's peer of
 * {@code ALWAYS} is {@code flush.messages=1} (an fsync after every appended produce batch, the
 * closest thing to Herald's fsync per group-committed batch); {@code INTERVAL} and {@code NEVER}
 * both get Kafka's default, which leaves flushing to the OS.
 */
enum Durability {
    ALWAYS, INTERVAL, NEVER;

    FsyncPolicy heraldPolicy() {
        return switch (this) {
            case ALWAYS -> FsyncPolicy.ALWAYS;
            case INTERVAL -> FsyncPolicy.interval(FsyncPolicy.DEFAULT_INTERVAL);
            case NEVER -> FsyncPolicy.NEVER;
        };
    }

    Map<String, String> kafkaTopicConfig() {
        return this == ALWAYS ? Map.of("flush.messages", "1") : Map.of();
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Durability parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
