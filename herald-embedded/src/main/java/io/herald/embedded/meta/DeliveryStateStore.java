package io.herald.embedded.meta;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * What reliable delivery must not forget across a restart, kept in the internal topic
 * {@code __deliveries} ({@link StateLog}): for each subscription, the events above its cursor
 * that failed (attempts, when the next one is due, the last error) or were settled out of
 * order (dead-lettered, or acked after a failure), its parked keys and the dead letters redriven
 * to it; for each dead-letter topic, which dead letters were resolved (redriven or purged).
 *
 * <p>Acks in order are not here: they move the cursor ({@link CursorStore}). An ack that is
 * lost in a crash means one more delivery, never a lost event. A dead letter's intent is
 * flushed before the dead letter is written, and its settlement before it counts, so that a
 * restart looks for a dead letter it may have written instead of writing it again.
 *
 * <p>Changes take effect in memory at once and reach the disk with the next {@link #flush}
 * (the broker's maintenance flushes every few milliseconds). Thread-safe.
 */
public final class DeliveryStateStore implements AutoCloseable {

    private static final int COMPACT_AFTER_CHANGES = 5000;

    private final Map<String, SubscriptionState> subscriptions = new HashMap<>();
    private final Map<String, Map<Integer, Resolved>> deadLetterTopics = new HashMap<>();
    private final List<Change> pending = new ArrayList<>();
    private final StateLog log;
    private CompletableFuture<?> lastWrite = CompletableFuture.completedFuture(null);

    private DeliveryStateStore(Path dir) throws IOException {
        this.log = StateLog.open(dir, "deliveries", this::replay);
    }

    public static DeliveryStateStore open(Path dir) throws IOException {
        return new DeliveryStateStore(dir);
    }

    private void replay(boolean snapshot, byte[] bytes) {
        if (snapshot) {
            subscriptions.clear();
            deadLetterTopics.clear();
        }
        Json.read(bytes, Batch.class).changes().forEach(this::apply);
    }

    // ---- failures and settlements above the cursor

    /** The recorded state of an event above the cursor, if any. */
    public synchronized Optional<OffsetState> state(String topic, String subscription, int partition, long offset) {
        SubscriptionState s = subscriptions.get(key(topic, subscription));
        if (s == null) {
            return Optional.empty();
        }
        NavigableMap<Long, OffsetState> p = s.offsets.get(partition);
        return p == null ? Optional.empty() : Optional.ofNullable(p.get(offset));
    }

    /** The recorded states of a partition's events (failed or settled above the cursor), by offset. */
    public synchronized NavigableMap<Long, OffsetState> states(String topic, String subscription, int partition) {
        SubscriptionState s = subscriptions.get(key(topic, subscription));
        TreeMap<Long, OffsetState> p = s == null ? null : s.offsets.get(partition);
        return p == null ? new TreeMap<>() : new TreeMap<>(p);
    }

    /** Failed events of the subscription waiting for their next attempt. */
    public synchronized long retrying(String topic, String subscription) {
        SubscriptionState s = subscriptions.get(key(topic, subscription));
        if (s == null) {
            return 0;
        }
        return s.offsets.values().stream().flatMap(m -> m.values().stream()).filter(st -> !st.settled() && st.attempts() > 0).count();
    }

    public synchronized void recordFailure(String topic, String subscription, int partition, long offset, OffsetState state) {
        change(new Change.Put(topic, subscription, partition, offset, state));
    }

    /** The event is done (dead-lettered, or acked after failing); {@code deadLettered} says which. */
    public synchronized void settle(String topic, String subscription, int partition, long offset, boolean deadLettered) {
        OffsetState old = state(topic, subscription, partition, offset).orElse(OffsetState.NONE);
        change(new Change.Put(topic, subscription, partition, offset, old.settledAs(deadLettered)));
    }

    /** The cursor passed {@code offset}: what lies below it is no longer needed. */
    public synchronized void forgetBelow(String topic, String subscription, int partition, long offset) {
        SubscriptionState s = subscriptions.get(key(topic, subscription));
        NavigableMap<Long, OffsetState> p = s == null ? null : s.offsets.get(partition);
        if (p != null && !p.headMap(offset, false).isEmpty()) {
            change(new Change.ForgetBelow(topic, subscription, partition, offset));
        }
    }

    // ---- parked keys and redrives

    public synchronized Set<String> parkedKeys(String topic, String subscription) {
        SubscriptionState s = subscriptions.get(key(topic, subscription));
        return s == null ? Set.of() : Set.copyOf(s.parkedKeys);
    }

    public synchronized void park(String topic, String subscription, String partitionKey) {
        change(new Change.Park(topic, subscription, partitionKey));
    }

    public synchronized void unpark(String topic, String subscription, String partitionKey) {
        change(new Change.Unpark(topic, subscription, partitionKey));
    }

    /** Dead letters redriven to the subscription and not yet delivered successfully, in redrive order. */
    public synchronized List<Redrive> redrives(String topic, String subscription) {
        SubscriptionState s = subscriptions.get(key(topic, subscription));
        return s == null ? List.of() : List.copyOf(s.redrives.values());
    }

    public synchronized void addRedrive(String topic, String subscription, Redrive redrive) {
        change(new Change.AddRedrive(topic, subscription, redrive));
    }

    public synchronized void removeRedrive(String topic, String subscription, String deadLetterTopic, int partition, long offset) {
        change(new Change.RemoveRedrive(topic, subscription, deadLetterTopic, partition, offset));
    }

    // ---- dead-letter topics

    public synchronized boolean isResolved(String deadLetterTopic, int partition, long offset) {
        Resolved r = deadLetterTopics.getOrDefault(deadLetterTopic, Map.of()).get(partition);
        return r != null && (offset < r.below || r.above.contains(offset));
    }

    public synchronized void resolve(String deadLetterTopic, int partition, long offset) {
        change(new Change.Resolve(deadLetterTopic, partition, offset));
    }

    /** Every dead letter below {@code offset} in the partition is resolved (a purge of all). */
    public synchronized void resolveBelow(String deadLetterTopic, int partition, long offset) {
        change(new Change.ResolveBelow(deadLetterTopic, partition, offset));
    }

    public synchronized long resolvedBelow(String deadLetterTopic, int partition) {
        Resolved r = deadLetterTopics.getOrDefault(deadLetterTopic, Map.of()).get(partition);
        return r == null ? 0 : r.below;
    }

    // ---- lifecycle

    public synchronized void forgetSubscription(String topic, String subscription) {
        change(new Change.ForgetSubscription(topic, subscription));
    }

    /** Forgets a topic's subscriptions and, if it is a dead-letter topic, its resolutions. */
    public synchronized void forgetTopic(String topic) {
        change(new Change.ForgetTopic(topic));
    }

    /** Writes the changes made since the last flush; completes once they are on disk. */
    public synchronized CompletableFuture<?> flush() {
        if (!pending.isEmpty()) {
            lastWrite = log.append(Json.write(new Batch(List.copyOf(pending))));
            pending.clear();
            if (log.changesSinceSnapshot() >= COMPACT_AFTER_CHANGES) {
                lastWrite = log.compact(Json.write(new Batch(snapshot())));
            }
        }
        return lastWrite;
    }

    @Override
    public void close() {
        flush().join();
        log.close();
    }

    private void change(Change change) {
        apply(change);
        pending.add(change);
    }

    private void apply(Change change) {
        switch (change) {
            case Change.Put c -> state(c.topic(), c.subscription()).offsets
                    .computeIfAbsent(c.partition(), k -> new TreeMap<>()).put(c.offset(), c.state());
            case Change.ForgetBelow c -> {
                NavigableMap<Long, OffsetState> p = state(c.topic(), c.subscription()).offsets.get(c.partition());
                if (p != null) {
                    p.headMap(c.offset(), false).clear();
                }
            }
            case Change.Park c -> state(c.topic(), c.subscription()).parkedKeys.add(c.key());
            case Change.Unpark c -> state(c.topic(), c.subscription()).parkedKeys.remove(c.key());
            case Change.AddRedrive c -> state(c.topic(), c.subscription()).redrives.put(c.redrive().id(), c.redrive());
            case Change.RemoveRedrive c -> state(c.topic(), c.subscription()).redrives
                    .remove(Redrive.id(c.deadLetterTopic(), c.partition(), c.offset()));
            case Change.Resolve c -> resolved(c.deadLetterTopic(), c.partition()).resolve(c.offset());
            case Change.ResolveBelow c -> resolved(c.deadLetterTopic(), c.partition()).resolveBelow(c.offset());
            case Change.ForgetSubscription c -> subscriptions.remove(key(c.topic(), c.subscription()));
            case Change.ForgetTopic c -> {
                subscriptions.keySet().removeIf(k -> k.startsWith(c.topic() + "/"));
                deadLetterTopics.remove(c.topic());
            }
        }
    }

    private List<Change> snapshot() {
        List<Change> all = new ArrayList<>();
        subscriptions.forEach((k, s) -> {
            String[] ts = k.split("/", 2);
            s.offsets.forEach((p, offsets) -> offsets.forEach((o, st) -> all.add(new Change.Put(ts[0], ts[1], p, o, st))));
            s.parkedKeys.forEach(key -> all.add(new Change.Park(ts[0], ts[1], key)));
            s.redrives.values().forEach(r -> all.add(new Change.AddRedrive(ts[0], ts[1], r)));
        });
        deadLetterTopics.forEach((t, partitions) -> partitions.forEach((p, r) -> {
            all.add(new Change.ResolveBelow(t, p, r.below));
            r.above.forEach(o -> all.add(new Change.Resolve(t, p, o)));
        }));
        return all;
    }

    private SubscriptionState state(String topic, String subscription) {
        return subscriptions.computeIfAbsent(key(topic, subscription), k -> new SubscriptionState());
    }

    private Resolved resolved(String deadLetterTopic, int partition) {
        return deadLetterTopics.computeIfAbsent(deadLetterTopic, k -> new HashMap<>()).computeIfAbsent(partition, k -> new Resolved());
    }

    private static String key(String topic, String subscription) {
        return topic + "/" + subscription;
    }

    /**
     * An event's delivery history: {@code attempts} deliveries failed; the next is due at
     * {@code dueAt} (epoch ms); {@code settled} events are done ({@code deadLettered} or acked).
     * {@code deadLetterReason} non-null: the policy gave up and the dead letter is being written,
     * past {@code deadLetterEnds} (the dead-letter topic's next offset by partition before it).
     */
    public record OffsetState(int attempts, long dueAt, long firstFailure, long lastFailure, String errorClass,
                              String errorMessage, boolean settled, boolean deadLettered, String deadLetterReason,
                              Map<Integer, Long> deadLetterEnds) {
        public static final OffsetState NONE = new OffsetState(0, 0, 0, 0, null, null, false, false);

        public OffsetState(int attempts, long dueAt, long firstFailure, long lastFailure, String errorClass, String errorMessage,
                           boolean settled, boolean deadLettered) {
            this(attempts, dueAt, firstFailure, lastFailure, errorClass, errorMessage, settled, deadLettered, null, null);
        }

        public OffsetState settledAs(boolean dead) {
            return new OffsetState(attempts, dueAt, firstFailure, lastFailure, errorClass, errorMessage, true, dead);
        }

        /** The same history, with the dead letter about to be written past {@code ends}. */
        public OffsetState deadLettering(String reason, Map<Integer, Long> ends) {
            return new OffsetState(attempts, dueAt, firstFailure, lastFailure, errorClass, errorMessage, false, false, reason, ends);
        }
    }

    /**
     * A dead letter sent back to its subscription, at {@code deadLetterTopic}/{@code partition}@{@code offset},
     * and its delivery history since (null: none yet).
     */
    public record Redrive(String deadLetterTopic, int partition, long offset, String partitionKey, OffsetState state) {
        public Redrive(String deadLetterTopic, int partition, long offset, String partitionKey) {
            this(deadLetterTopic, partition, offset, partitionKey, null);
        }

        public Redrive withState(OffsetState s) {
            return new Redrive(deadLetterTopic, partition, offset, partitionKey, s);
        }

        String id() {
            return id(deadLetterTopic, partition, offset);
        }

        static String id(String deadLetterTopic, int partition, long offset) {
            return deadLetterTopic + "/" + partition + "@" + offset;
        }
    }

    private static final class SubscriptionState {
        final Map<Integer, TreeMap<Long, OffsetState>> offsets = new HashMap<>();
        final Set<String> parkedKeys = new LinkedHashSet<>();
        final Map<String, Redrive> redrives = new LinkedHashMap<>();
    }

    private static final class Resolved {
        long below;
        final TreeSet<Long> above = new TreeSet<>();

        void resolve(long offset) {
            if (offset >= below) {
                above.add(offset);
            }
            while (!above.isEmpty() && above.first() == below) {
                above.pollFirst();
                below++;
            }
        }

        void resolveBelow(long offset) {
            below = Math.max(below, offset);
            above.headSet(below).clear();
        }
    }

    record Batch(List<Change> changes) {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Change.Put.class, name = "put"),
        @JsonSubTypes.Type(value = Change.ForgetBelow.class, name = "forgetBelow"),
        @JsonSubTypes.Type(value = Change.Park.class, name = "park"),
        @JsonSubTypes.Type(value = Change.Unpark.class, name = "unpark"),
        @JsonSubTypes.Type(value = Change.AddRedrive.class, name = "addRedrive"),
        @JsonSubTypes.Type(value = Change.RemoveRedrive.class, name = "removeRedrive"),
        @JsonSubTypes.Type(value = Change.Resolve.class, name = "resolve"),
        @JsonSubTypes.Type(value = Change.ResolveBelow.class, name = "resolveBelow"),
        @JsonSubTypes.Type(value = Change.ForgetSubscription.class, name = "forgetSubscription"),
        @JsonSubTypes.Type(value = Change.ForgetTopic.class, name = "forgetTopic")
    })
    sealed interface Change {
        record Put(String topic, String subscription, int partition, long offset, OffsetState state) implements Change {
        }

        record ForgetBelow(String topic, String subscription, int partition, long offset) implements Change {
        }

        record Park(String topic, String subscription, String key) implements Change {
        }

        record Unpark(String topic, String subscription, String key) implements Change {
        }

        record AddRedrive(String topic, String subscription, Redrive redrive) implements Change {
        }

        record RemoveRedrive(String topic, String subscription, String deadLetterTopic, int partition, long offset) implements Change {
        }

        record Resolve(String deadLetterTopic, int partition, long offset) implements Change {
        }

        record ResolveBelow(String deadLetterTopic, int partition, long offset) implements Change {
        }

        record ForgetSubscription(String topic, String subscription) implements Change {
        }

        record ForgetTopic(String topic) implements Change {
        }
    }
}
