package io.herald.kafka.dispatch;

import io.herald.ClusterUnreachableException;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.EventFilter;
import io.herald.event.MalformedEventException;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * the engine thread decodes what it fetched before it takes that lock. The window's writes (retry
 * schedules, parked keys, dead letters) are {@link WindowWrites}', the commits {@link Cursors}'.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Unfinished events of one partition held in memory at most: its fetching pauses above it. */
    static final int PARTITION_LIMIT = 5000;
    private static final Duration ROUND = Duration.ofMillis(50);
    private static final long MAX_WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private enum State { RUNNING, CLOSING, CLOSED }

    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final StateFollower follower;
    private final Window window;
    private final Cursors cursors;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Assigned, paused until their state partition is read. Engine thread only. */
    private final Set<TopicPartition> rebuilding = new HashSet<>();
    private final Set<TopicPartition> full = new HashSet<>();
    private final Thread thread;
    private volatile State state = State.RUNNING;
    /** The time every decision of the engine is made at; waits use the monotonic clock. */
    private final Clock clock;
    private volatile Set<Integer> assignment = Set.of();

    Dispatcher(Map<String, Object> clientBase, Duration timeout, String bootstrapServers, String topic, String subscription,
               SubscriptionSpec spec, FailureLog failures, Clock clock) {
        this.clock = clock;
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.window = new Window(spec.ordering(), spec.keyAfterDeadLetter(), spec.retry(), spec.leaseDuration(),
                spec.filter().map(EventFilter::compile).orElse(null), ThreadLocalRandom.current(),
                new WindowWrites(topic, subscription, spec, failures, clock, lock, changed, new WindowWrites.Engine() {
                    @Override
                    public Window window() {
                        return window;
                    }

                    @Override
                    public boolean closed() {
                        return state == State.CLOSED;
                    }
                }));
        this.cursors = new Cursors(topic, spec, window);
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
            commits = cursors.due(now);
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
                        cursors.failed(offsets);
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
                cursors.assigned(tp.partition(), last, position);
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

    private void shutDown() {
        Map<TopicPartition, OffsetAndMetadata> commits;
        lock.lock();
        try {
            // a dead letter being written is an event about to be done: commit past it rather than deliver it again
            awaitSettled(window.partitions());
            commits = cursors.all(window.partitions());
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
                commits = cursors.all(owned);
                owned.forEach(window::revoke);
                owned.forEach(cursors::forget);
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
                    cursors.forget(tp.partition());
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

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
