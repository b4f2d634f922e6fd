package io.herald.kafka.dispatch;

import io.herald.ClusterUnreachableException;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.EventFilter;
import io.herald.event.MalformedEventException;
import io.herald.delivery.DeadLetterWrite;
import io.herald.delivery.Entry;
import io.herald.delivery.Window;
import io.herald.kafka.failure.FailureLog;
import io.herald.kafka.group.CommitMetadata;
import io.herald.kafka.group.MemberSettings;
import io.herald.broker.spi.OffsetRanges;
import io.herald.kafka.read.RecordEvents;
import io.herald.kafka.state.StateFollower;
import io.herald.kafka.state.StateRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one {@code KEY} or {@code NONE} subscription in this process: one member of the
 * subscription's consumer group, shared by every local push and pull subscriber of it, which take
 * their deliveries from its {@link Window}. Kafka spreads the partitions over the processes;
 * inside a process the window spreads the events of its partitions over keys (or over nobody in
 * particular, with {@code NONE}), beyond the partition count.
 *
 * <p>One thread (the engine's) owns the Kafka consumer and the {@link StateFollower}: it fetches,
 * pauses a partition with too many unfinished events, hears facts other processes write, and
 * commits each partition's lowest unfinished offset (asynchronously each round, synchronously
 * when a partition is revoked and on close), with the offsets finished above it in the commit
 * metadata ({@link CommitMetadata#withFinished}), so that the next owner skips them rather than
 * delivering again every event acked behind one whose retry waits. A partition is assigned paused; its state partition
 * is rebuilt before it is resumed, so nothing of it is handed out before its retry schedules and
 * parked keys are known. Subscribers' threads poll the window and end deliveries under one lock;
 * the engine thread decodes what it fetched before it takes that lock.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Unfinished events of one partition held in memory at most: its fetching pauses above it. */
    static final int PARTITION_LIMIT = 5000;
    private static final Duration ROUND = Duration.ofMillis(50);
    /**
     * A round commits at most this often (a revoke and a close always): under load a round takes
     * a few milliseconds, and each commit encodes the offsets finished above the committed one.
     */
    private static final long COMMIT_MILLIS = 20;
    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /** Writes' completions take the lock here, never on the producer's I/O thread. */
    private static final Executor CALLBACKS = Executors.newVirtualThreadPerTaskExecutor();

    private enum State { RUNNING, CLOSING, CLOSED }

    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final FailureLog failures;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final StateFollower follower;
    private final Window window;
    private final String metadata;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The last commit of each partition (read when assigned, then made): only a change is committed. */
    private final Map<Integer, OffsetAndMetadata> committed = new HashMap<>();
    /** Assigned, paused until their state partition is read. Engine thread only. */
    private final Set<TopicPartition> rebuilding = new HashSet<>();
    private final Set<TopicPartition> full = new HashSet<>();
    private final Thread thread;
    private volatile State state = State.RUNNING;
    /** The time every decision of the engine is made at; waits use the monotonic clock. */
    private final Clock clock;
    private volatile Set<Integer> assignment = Set.of();
    /** When a round last committed. Engine thread only. */
    private long lastCommit;

    Dispatcher(Map<String, Object> clientBase, Duration timeout, String bootstrapServers, String topic, String subscription,
               SubscriptionSpec spec, FailureLog failures, Clock clock) {
        this.clock = clock;
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.failures = failures;
        this.metadata = CommitMetadata.of(spec);
        this.window = new Window(spec.ordering(), spec.keyAfterDeadLetter(), spec.retry(), spec.leaseDuration(),
                spec.filter().map(EventFilter::compile).orElse(null), ThreadLocalRandom.current(), new Writes());
        Map<String, Object> p = MemberSettings.of(clientBase, topic, subscription, spec);
        p.putIfAbsent("max.poll.records", "1000");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.follower = new StateFollower(clientBase, failures.stateTopic(), timeout, bootstrapServers);
        consumer.subscribe(List.of(topic), new Rebalance());
        this.thread = Thread.ofPlatform().name("herald-kafka-dispatch-" + topic + ":" + subscription).daemon().unstarted(this::run);
        thread.start();
    }

    String topic() {
        return topic;
    }

    String subscription() {
        return subscription;
    }

    SubscriptionSpec spec() {
        return spec;
    }

    Set<Integer> assignment() {
        return assignment;
    }

    /** False once it stopped: closed, or its thread died of an error its consumers were told of. */
    boolean isRunning() {
        return state == State.RUNNING;
    }

    // ---- the engine thread

    private void run() {
        try {
            while (state == State.RUNNING) {
                try {
                    round();
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException | MalformedEventException | ClusterUnreachableException e) {
                    if (state != State.RUNNING) {
                        break;
                    }
                    LOG.warn("subscription '{}' of topic '{}': {}; going on", subscription, topic, e.toString());
                    sleepQuietly(200);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("the engine of subscription '{}' of topic '{}' stopped", subscription, topic, e);
        } finally {
            shutDown();
        }
    }

    private void round() {
        rebuildAssigned();
        limitFetching();
        var records = consumer.poll(ROUND);
        List<Fetched> fetched = decode(records);
        List<StateFollower.Tailed> tailed = follower.tail();
        Map<TopicPartition, OffsetAndMetadata> commits;
        lock.lock();
        try {
            long now = clock.millis();
            for (Fetched f : fetched) {
                if (f.error() == null) {
                    window.admit(f.stored(), now);
                } else {
                    window.admitUndecodable(f.stored(), f.error(), now);
                }
            }
            for (StateFollower.Tailed t : tailed) {
                WindowFacts.tailed(window, t.partition(), t.read(), now);
            }
            window.fireTimers(now);
            commits = now - lastCommit >= COMMIT_MILLIS ? commits(window.partitions()) : Map.of();
            if (!commits.isEmpty()) {
                lastCommit = now;
            }
            if (!records.isEmpty() || !tailed.isEmpty()) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (!commits.isEmpty()) {
            consumer.commitAsync(commits, (offsets, error) -> {
                lock.lock();
                try {
                    if (error != null) {
                        // a rebalance in progress refuses commits: the next round commits again, even if nothing
                        // finishes meanwhile (the last acks of a partition would otherwise wait for its revoke)
                        LOG.warn("subscription '{}' on '{}': commit of {} failed: {}", subscription, topic, offsets, error.getMessage());
                        offsets.forEach((tp, commit) -> {
                            if (committed.remove(tp.partition(), commit)) {
                                window.commitFailed(tp.partition());
                            }
                        });
                        return;
                    }
                    offsets.forEach((tp, commit) -> window.committed(tp.partition(), commit.offset()));
                } finally {
                    lock.unlock();
                }
            });
        }
    }

    /** A fetched record: its event, or (with {@code error}) the stand-in of a record that is no CloudEvent. */
    private record Fetched(StoredEvent stored, String error) {
    }

    /** Decodes what a poll fetched, before the lock is taken: the subscribers take and settle meanwhile. */
    private List<Fetched> decode(ConsumerRecords<byte[], byte[]> records) {
        List<Fetched> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(new Fetched(RecordEvents.stored(r), null));
            } catch (MalformedEventException e) {
                // written by a plain Kafka producer: nothing to deliver; dead-lettered as it is, the rest goes on
                LOG.error("subscription '{}' on '{}' dead-letters a record that is no CloudEvent: {}", subscription, topic, e.getMessage());
                out.add(new Fetched(RecordEvents.undecodable(r), e.getMessage()));
            }
        }
        return out;
    }

    /** Reads the state partition of each newly assigned partition, then lets it be fetched. */
    private void rebuildAssigned() {
        if (rebuilding.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> lastCommits = consumer.committed(Set.copyOf(rebuilding));
        for (TopicPartition tp : List.copyOf(rebuilding)) {
            long position = consumer.position(tp);
            OffsetAndMetadata last = lastCommits.get(tp);
            OffsetRanges finished = last == null || last.offset() != position ? new OffsetRanges()
                    : CommitMetadata.finished(last.metadata(), position);
            Map<String, StateRecord.Read> facts = follower.rebuild(tp.partition());
            lock.lock();
            try {
                WindowFacts.assign(window, tp.partition(), position, finished, facts, clock.millis());
                committed.put(tp.partition(), last != null ? last : new OffsetAndMetadata(position, metadata));
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            rebuilding.remove(tp);
            consumer.resume(List.of(tp));
            publishAssignment();
        }
    }

    private void limitFetching() {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        lock.lock();
        try {
            for (int p : window.partitions()) {
                TopicPartition tp = new TopicPartition(topic, p);
                boolean over = window.unfinished(p) >= PARTITION_LIMIT;
                if (over && full.add(tp)) {
                    pause.add(tp);
                } else if (!over && full.remove(tp)) {
                    resume.add(tp);
                }
            }
        } finally {
            lock.unlock();
        }
        consumer.pause(pause);
        consumer.resume(resume);
    }

    /** The partitions whose lowest unfinished offset or finished offsets above it changed; called with the lock held. */
    private Map<TopicPartition, OffsetAndMetadata> commits(Collection<Integer> partitions) {
        return commits(partitions, false);
    }

    /**
     * As {@link #commits(Collection)}; with {@code all}, every partition's commit whatever was sent
     * before (a revoke or a close commits synchronously what an asynchronous commit may have lost).
     */
    private Map<TopicPartition, OffsetAndMetadata> commits(Collection<Integer> partitions, boolean all) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (int p : partitions) {
            if (!window.commitChanged(p) && !all) {
                continue;
            }
            long offset = window.commitOffset(p);
            OffsetAndMetadata commit = new OffsetAndMetadata(offset, CommitMetadata.withFinished(metadata, window.finished(p), offset));
            OffsetAndMetadata before = committed.put(p, commit);
            if (all || !commit.equals(before)) {
                out.put(new TopicPartition(topic, p), commit);
            }
        }
        return out;
    }

    private void shutDown() {
        Map<TopicPartition, OffsetAndMetadata> commits;
        lock.lock();
        try {
            // a dead letter being written is an event about to be done: commit past it rather than deliver it again
            awaitSettled(window.partitions());
            commits = commits(window.partitions(), true);
            for (int p : List.copyOf(window.partitions())) {
                window.revoke(p);
            }
            state = State.CLOSED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!commits.isEmpty()) {
                consumer.commitSync(commits);
            }
        } catch (RuntimeException e) {
            LOG.warn("subscription '{}' on '{}' could not commit on close: {}", subscription, topic, e.getMessage());
        }
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("subscription '{}' on '{}' did not leave its group cleanly: {}", subscription, topic, e.getMessage());
        }
        follower.close();
    }

    /**
     * Waits (the lock held, released while waiting) up to {@link #CLOSE_WAIT} for the retry
     * schedules and dead letters of these partitions being written. Committed before they are
     * written, a dead-lettered event would come again to the partition's next owner, who could ack
     * it: acked and dead-lettered both.
     */
    private void awaitSettled(Collection<Integer> partitions) {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            while (partitions.stream().anyMatch(window::settling) && System.nanoTime() < deadline) {
                changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void publishAssignment() {
        lock.lock();
        try {
            assignment = Set.copyOf(new TreeSet<>(window.partitions()));
        } finally {
            lock.unlock();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            consumer.pause(partitions);
            rebuilding.addAll(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> commits;
            lock.lock();
            try {
                List<Integer> owned = partitions.stream().map(TopicPartition::partition).filter(window.partitions()::contains).toList();
                awaitSettled(owned); // a dead letter being written: its event is done once it is, and the commit passes it
                commits = commits(owned, true);
                owned.forEach(window::revoke);
                owned.forEach(committed::remove);
            } finally {
                lock.unlock();
            }
            try {
                if (!commits.isEmpty()) {
                    consumer.commitSync(commits);
                }
            } catch (KafkaException e) {
                LOG.warn("subscription '{}' on '{}': commit before giving up {} failed: {}", subscription, topic, partitions, e.getMessage());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            lock.lock();
            try {
                partitions.forEach(tp -> {
                    window.revoke(tp.partition());
                    committed.remove(tp.partition());
                });
            } finally {
                lock.unlock();
            }
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            rebuilding.removeAll(partitions);
            full.removeAll(partitions);
            partitions.forEach(tp -> follower.release(tp.partition()));
            publishAssignment();
        }
    }

    // ---- subscribers' side

    /** Up to {@code max} deliveries, waiting up to {@code wait} for the first. */
    List<Delivery> poll(int max, Duration wait) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (true) {
                if (state != State.RUNNING) {
                    throw new BrokerClosedException("subscription '" + subscription + "' of topic '" + topic + "'");
                }
                long now = clock.millis();
                List<Entry> taken = window.take(max, now);
                if (!taken.isEmpty()) {
                    List<Delivery> out = new ArrayList<>(taken.size());
                    for (Entry e : taken) {
                        out.add(new LeasedDelivery(this, e, e.epoch(), e.attempt(), e.leaseDeadline()));
                    }
                    return out;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return List.of();
                }
                long untilTimer = window.nextTimer() - now;
                long sleep = Math.min(remaining, MAX_WAIT_SLICE_NANOS);
                if (untilTimer < Long.MAX_VALUE / 2) {
                    sleep = Math.max(1, Math.min(sleep, TimeUnit.MILLISECONDS.toNanos(Math.max(1, untilTimer))));
                }
                changed.awaitNanos(sleep);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    void ack(Entry e, int epoch) {
        verdict(() -> window.ack(e, epoch, clock.millis()));
    }

    void nack(Entry e, int epoch, Duration delay, Throwable error) {
        verdict(() -> window.nack(e, epoch, delay, error, clock.millis()));
    }

    void reject(Entry e, int epoch, String reason) {
        verdict(() -> window.reject(e, epoch, reason, clock.millis()));
    }

    void extend(Entry e, int epoch, Duration by) {
        verdict(() -> window.extend(e, epoch, by, clock.millis()));
    }

    /** Deliveries of this engine whose lease runs now. */
    long leased() {
        lock.lock();
        try {
            return window.leased();
        } finally {
            lock.unlock();
        }
    }

    long leaseDeadline(Entry e) {
        lock.lock();
        try {
            return e.leaseDeadline();
        } finally {
            lock.unlock();
        }
    }

    private void verdict(java.util.function.BooleanSupplier change) {
        lock.lock();
        try {
            if (state == State.RUNNING && change.getAsBoolean()) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the engine: commits what is done and leaves the group. Leases in flight are void. */
    void close() {
        if (state != State.RUNNING) {
            return;
        }
        state = State.CLOSING;
        consumer.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void afterWrite(CompletableFuture<?> write, Runnable then) {
        write.whenCompleteAsync((ignored, error) -> {
            lock.lock();
            try {
                if (state != State.CLOSED) {
                    then.run();
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }, CALLBACKS);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The window's writes, to the subscription's state topic and dead-letter topic. */
    private final class Writes implements Window.Effects {
        @Override
        public boolean recordRetry(Entry e, int epoch) {
            StateRecord.Retry fact = StateRecord.Retry.of(e.partition(), source(e), e.offset(), e.failures(), Instant.ofEpochMilli(e.dueAt()));
            CompletableFuture<?> write = failures.retry(fact).whenComplete((m, error) -> {
                if (error != null) {
                    LOG.warn("subscription '{}' on '{}': the retry schedule of {} was not written ({}); it is kept in memory only",
                            subscription, topic, e, error.getMessage());
                }
            });
            afterWrite(write, () -> window.recorded(e, epoch, clock.millis()));
            return false;
        }

        @Override
        public void deadLetter(Entry e, int epoch, String reason) {
            // the event is not done until its dead letter is written: tried again while it is ours
            DeadLetterWrite.start(() -> failures.deadLetter(e.stored().event(), e.originalPosition(), e.failures(), reason),
                    () -> {
                        lock.lock();
                        try {
                            return state != State.CLOSED && Window.awaitsDeadLetter(e, epoch);
                        } finally {
                            lock.unlock();
                        }
                    },
                    error -> LOG.warn("subscription '{}' on '{}': cannot write the dead letter of {} to '{}'; trying again in {}: {}",
                            subscription, topic, e, spec.deadLetterTopicFor(topic, subscription), DeadLetterWrite.RETRY_DELAY,
                            error.toString()))
                    .thenAccept(written -> {
                        if (!written) {
                            return;
                        }
                        lock.lock();
                        try {
                            if (state != State.CLOSED) {
                                window.deadLettered(e, epoch, clock.millis());
                                changed.signalAll();
                            }
                        } finally {
                            lock.unlock();
                        }
                    });
        }

        /**
         * A redriven event's facts end at once (no commit covers a redrive); an event of the topic
         * keeps its Retry fact until a durable commit passes it ({@link #forgotten}).
         */
        @Override
        public void settled(Entry e, boolean deadLettered) {
            if (!e.isRedrive()) {
                return;
            }
            if (e.isRecorded()) {
                failures.end(e.partition(), StateRecord.retryKey(StateRecord.Source.REDRIVE, e.offset()));
            }
            failures.end(e.partition(), e.redriveKey());
        }

        @Override
        public void forgotten(int partition, long offset) {
            failures.end(partition, StateRecord.retryKey(StateRecord.Source.TOPIC, offset));
        }

        @Override
        public void parked(Entry e) {
            failures.park(new StateRecord.Park(e.partition(), e.key(), e.offset()));
        }

        @Override
        public void unparked(int partition, String key) {
            failures.end(partition, new StateRecord.Park(partition, key, 0).key());
        }

        private static StateRecord.Source source(Entry e) {
            return e.isRedrive() ? StateRecord.Source.REDRIVE : StateRecord.Source.TOPIC;
        }
    }
}
