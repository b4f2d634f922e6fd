package io.herald.embedded.dispatch;

import io.herald.broker.DeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.broker.spi.OffsetRanges;
import io.herald.delivery.DeadLetterIntent;
import io.herald.delivery.FailureRecord;
import io.herald.delivery.RetryRecord;
import io.herald.delivery.Window;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.meta.CursorStore;
import io.herald.embedded.meta.DeliveryStateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * What the local stores kept of one subscription, given back to its window: when a partition is
 * assigned, the offsets finished above its cursor and its retry records; the parked keys; and, at
 * start and whenever dead letters are redriven to the subscription, those redriven dead letters,
 * whose store records it keeps until they settle. Used with the dispatcher's lock held.
 */
final class StoredState {

    private final String topic;
    private final String name;
    private final Ordering ordering;
    private final CursorStore cursors;
    private final DeliveryStateStore states;
    private final DeadLetterSink deadLetters;
    private final Clock clock;
    /** The partition of the window a key's events (and its redriven dead letters) are in. */
    private final ToIntFunction<String> partitionOf;
    /** The redrives in the window, by the window's name for them. */
    private final Map<String, DeliveryStateStore.Redrive> redrives = new HashMap<>();

    StoredState(String topic, String name, Ordering ordering, CursorStore cursors, DeliveryStateStore states,
                DeadLetterSink deadLetters, Clock clock, ToIntFunction<String> partitionOf) {
        this.topic = topic;
        this.name = name;
        this.ordering = ordering;
        this.cursors = cursors;
        this.states = states;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.partitionOf = partitionOf;
    }

    /**
     * Gives the window what the stores kept of a partition: the offsets finished above its cursor
     * (in the cursor record, and the events recorded as settled) and the retry records.
     */
    void restore(Window window, int partition, long cursor) {
        OffsetRanges finished = OffsetRanges.decode(cursor, cursors.finished(topic, name, partition));
        var recorded = states.states(topic, name, partition).tailMap(cursor, true);
        recorded.forEach((offset, state) -> {
            if (state.settled()) {
                finished.add(offset);
            }
        });
        window.assign(partition, cursor, finished);
        recorded.forEach((offset, state) -> {
            if (!state.settled() && state.attempts() > 0) {
                window.restoreRetry(partition, offset, recordedOf(state));
            }
        });
    }

    /** Parks again, with ordering {@code KEY}, the keys the store has parked at their dead letters. */
    void restoreParked(Window window) {
        if (ordering == Ordering.KEY) {
            for (String key : states.parkedKeys(topic, name)) {
                window.park(partitionOf.applyAsInt(key), key);
            }
        }
    }

    /** Takes the dead letters redriven to the subscription, and not in the window yet, into the window. */
    void loadRedrives(Window window) {
        for (DeliveryStateStore.Redrive r : states.redrives(topic, name)) {
            String id = r.deadLetterTopic() + "/" + r.partition() + "@" + r.offset();
            if (redrives.containsKey(id)) {
                continue;
            }
            Optional<StoredEvent> stored = deadLetters.read(r.deadLetterTopic(), new Position(r.partition(), r.offset()));
            if (stored.isEmpty()) {
                states.removeRedrive(topic, name, r.deadLetterTopic(), r.partition(), r.offset());
                continue;
            }
            Optional<DeadLetter> letter = DeadLetterFormat.read(stored.get());
            StoredEvent original = letter
                    .map(d -> new StoredEvent(d.topic(), stored.get().position(), stored.get().appendTime(), d.event()))
                    .orElse(stored.get());
            redrives.put(id, r);
            boolean failedBefore = r.state() != null && r.state().attempts() > 0;
            window.admitRedrive(partitionOf.applyAsInt(ordering == Ordering.KEY ? original.event().partitionKey().orElse(null) : null),
                    id, r.offset(), original, letter.map(DeadLetter::originalPosition).orElse(null),
                    failedBefore ? recordedOf(r.state()) : null, clock.millis()); // its failures since the redrive
        }
    }

    /** The store record of a redrive in the window, by the window's name for it. */
    DeliveryStateStore.Redrive redrive(String redriveKey) {
        return redrives.get(redriveKey);
    }

    /** A redrive settled: forgets it, and gives the store record it had. */
    DeliveryStateStore.Redrive forgetRedrive(String redriveKey) {
        return redrives.remove(redriveKey);
    }

    private static RetryRecord recordedOf(DeliveryStateStore.OffsetState s) {
        return new RetryRecord(new FailureRecord(s.attempts(), Instant.ofEpochMilli(s.firstFailure()),
                Instant.ofEpochMilli(s.lastFailure()), s.errorClass(), s.errorMessage()), s.dueAt(),
                s.deadLetterReason() == null ? null : new DeadLetterIntent(s.deadLetterReason(), s.deadLetterEnds()));
    }
}
