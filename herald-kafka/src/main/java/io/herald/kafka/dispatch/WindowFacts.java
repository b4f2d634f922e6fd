package io.herald.kafka.dispatch;

import io.herald.broker.StoredEvent;
import io.herald.broker.spi.OffsetRanges;
import io.herald.delivery.RetryRecord;
import io.herald.delivery.Window;
import io.herald.kafka.state.StateRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the facts of a subscription's state partition say to the shared {@link Window}: the retry
 * schedules, parked keys and redrives read when a partition is assigned, and those another
 * process (or this one) writes while it is owned.
 */
final class WindowFacts {

    private WindowFacts() {
    }

    /**
     * The partition is the window's from {@code position} on (its committed offset), with the
     * offsets an earlier owner finished above it; {@code facts} are its state partition's live
     * facts (see {@link io.herald.kafka.state.StateFollower#rebuild}).
     */
    static void assign(Window window, int partition, long position, OffsetRanges finished, Map<String, StateRecord.Read> facts, long now) {
        window.assign(partition, position, finished);
        Map<Long, StateRecord.Retry> redriveRetries = new HashMap<>();
        List<StateRecord.Read> redrives = new ArrayList<>();
        for (StateRecord.Read read : facts.values()) {
            switch (read.fact().orElseThrow()) {
                case StateRecord.Retry r when r.source() == StateRecord.Source.TOPIC ->
                        window.restoreRetry(partition, r.offset(), recorded(r));
                case StateRecord.Retry r -> redriveRetries.put(r.offset(), r);
                case StateRecord.Park p -> window.park(partition, p.partitionKey());
                case StateRecord.Redrive d -> redrives.add(read);
                case StateRecord.Resolved x -> {
                    // the dead-letter queue's: which dead letters are no longer listed
                }
            }
        }
        for (StateRecord.Read read : redrives) {
            StateRecord.Retry retry = redriveRetries.get(read.offset());
            admitRedrive(window, partition, read, (StateRecord.Redrive) read.fact().orElseThrow(),
                    retry == null ? null : recorded(retry), now);
        }
    }

    /** A fact or an end that another process (or this one) wrote to a followed state partition. */
    static void tailed(Window window, int partition, StateRecord.Read read, long now) {
        String key = read.key();
        if (key.startsWith("park/")) {
            String parkedKey = key.substring("park/".length());
            if (read.fact().isPresent()) {
                window.park(partition, parkedKey);
            } else {
                window.unpark(partition, parkedKey, now, false);
            }
        } else if (key.startsWith("redrive/") && read.fact().orElse(null) instanceof StateRecord.Redrive redrive) {
            admitRedrive(window, partition, read, redrive, null, now);
        }
    }

    private static void admitRedrive(Window window, int partition, StateRecord.Read read, StateRecord.Redrive redrive,
                                     RetryRecord recorded, long now) {
        StoredEvent stored = new StoredEvent(redrive.deadLetterTopic(), redrive.deadLetter(), Instant.ofEpochMilli(now), redrive.event());
        window.admitRedrive(partition, read.key(), read.offset(), stored, redrive.original(), recorded, now);
    }

    static RetryRecord recorded(StateRecord.Retry retry) {
        return new RetryRecord(retry.failures(), retry.dueAt().toEpochMilli(), retry.deadLettering());
    }
}
