package io.herald.kafka.delay;

import io.herald.broker.TopicNotFoundException;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.kafka.cluster.Cluster;
import io.herald.kafka.topic.InternalTopics;
import io.herald.kafka.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves delayed events into their topics when they are due. Every open {@code KafkaBroker} runs
 * one; they share the work as members of the consumer group {@value #GROUP}, subscribed by
 * pattern to every delay topic, so each delay partition has one owner and a process that stops
 * hands its partitions to the others.
 *
 * <p>For each delay partition it owns, the forwarder holds the events read, in due order, and
 * when they are due produces each to the same partition of its target topic (idempotent producer,
 * {@code acks=all}), waits for the acknowledgements, then commits the delay partition below the
 * lowest offset not released, with the released offsets above it as commit metadata
 * ({@link io.herald.broker.spi.OffsetRanges}). Events due together are produced in offset order, which is their
 * publish order, so order per key holds. After a crash the next owner starts at the committed
 * offset: an event may be released twice (at least once), never lost. A process that stops
 * leaves the group at once; one that dies is noticed after the session timeout (10 s, or the
 * client property {@code session.timeout.ms}), and its partitions' due events wait that long.
 * Records below the commit point are deleted from the delay topic now and then (its retention is
 * infinite).
 *
 * <p>Memory is bounded: a partition that holds more than {@value #MAX_HELD_EVENTS} events or its
 * share of {@value #MAX_HELD_BYTES} bytes is paused until half of them are released. The cost:
 * an event behind the held ones that is due before them is read, and so released, only when
 * they have made room; its lateness is that of the held events it waits behind.
 *
 * <p>New delay topics are found by the consumer's metadata refresh ({@value #METADATA_MAX_AGE_MS} ms)
 * or, for those this process creates, at once ({@link #delayTopicCreated}). A target topic that
 * no longer exists takes its due events with it, as its deletion does its delay topic.
 *
 * <p>Threading: one thread of its own runs the consumer; {@link #delayTopicCreated} and
 * {@link #close} are called from any thread.
 */
final class DelayForwarder implements AutoCloseable {

    static final String GROUP = InternalTopics.PREFIX + "delayer";
    static final Pattern DELAY_TOPICS = Pattern.compile(Pattern.quote(InternalTopics.PREFIX + "delay.") + ".*");
    static final int MAX_HELD_EVENTS = 50_000;
    static final long MAX_HELD_BYTES = 64L * 1024 * 1024;
    static final int METADATA_MAX_AGE_MS = 2000;
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int MAX_RELEASE_BATCH = 1000;
    private static final long IDLE_POLL_MS = 1000;
    private static final long RETRY_AFTER_MS = 1000;
    private static final long TRIM_EVERY_MS = 30_000;
    private static final long ID_CHECK_EVERY_MS = METADATA_MAX_AGE_MS;
    private static final Logger LOG = LoggerFactory.getLogger(DelayForwarder.class);

    private enum State { RUNNING, CLOSED }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Cluster cluster;
    private final Topics topics;
    private final Duration timeout;
    private final Map<TopicPartition, HeldPartition> owned = new HashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private final AtomicBoolean resubscribe = new AtomicBoolean();
    private final Thread thread;
    private long lastTrimMillis;
    private long lastIdCheckMillis;

    DelayForwarder(Map<String, Object> clientBase, KafkaProducer<byte[], byte[]> producer, Cluster cluster, Topics topics) {
        Map<String, Object> p = new HashMap<>(clientBase);
        p.put("group.id", GROUP);
        p.put("group.protocol", "classic");
        // sticky: a process joining or leaving moves only the partitions it takes or gives, the
        // others keep what they hold instead of reading it again
        p.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest"); // a delay partition nobody committed yet is read from its first event
        p.put("metadata.max.age.ms", Integer.toString(METADATA_MAX_AGE_MS));
        // how soon the others take over from a process that died: a client property may say otherwise
        p.putIfAbsent("session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        int session = Integer.parseInt(String.valueOf(p.get("session.timeout.ms")).trim());
        p.putIfAbsent("heartbeat.interval.ms", Integer.toString(Math.max(10, session / 5)));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.producer = producer;
        this.cluster = cluster;
        this.topics = topics;
        this.timeout = cluster.timeout();
        this.thread = Thread.ofPlatform().name("herald-delay-forwarder").daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** This process created a delay topic: subscribe to it now rather than at the next metadata refresh. */
    void delayTopicCreated() {
        resubscribe.set(true);
        consumer.wakeup();
    }

    private void run() {
        Listener listener = new Listener();
        consumer.subscribe(DELAY_TOPICS, listener);
        while (state.get() == State.RUNNING) {
            try {
                if (resubscribe.getAndSet(false)) {
                    consumer.subscribe(DELAY_TOPICS, listener); // asks for fresh metadata, so the new topic is matched now
                }
                hold(consumer.poll(Duration.ofMillis(pollMillis())));
                release();
                commit();
                limitMemory();
                trim();
            } catch (WakeupException e) {
                // close, or a resubscription: the loop looks at both
            } catch (RuntimeException e) {
                if (state.get() != State.RUNNING) {
                    break;
                }
                LOG.warn("delay forwarder: {}; carrying on from the last commit in {} ms", e.toString(), RETRY_AFTER_MS);
                pause(RETRY_AFTER_MS);
            }
        }
        try {
            commit(); // what was released and acknowledged is not released again by the next owner
        } catch (RuntimeException e) {
            // the next owner starts at the previous commit: released again, not lost
        }
        try {
            consumer.close(timeout);
        } catch (RuntimeException e) {
            LOG.debug("closing the delay forwarder's consumer", e);
        }
    }

    private long pollMillis() {
        long now = System.currentTimeMillis();
        long next = now + IDLE_POLL_MS;
        for (HeldPartition partition : owned.values()) {
            Optional<Long> due = partition.nextDueMillis();
            if (due.isPresent()) {
                next = Math.min(next, due.get());
            }
        }
        return Math.max(0, next - now);
    }

    /*
     * The consumer's position is past every record poll returned. If holding them fails half way
     * (the commit point of a new partition cannot be read), the records not held would be skipped
     * and a later commit could pass them: so each partition of the batch is sought back to the
     * batch's first record, and holding again skips what is held already.
     */
    private void hold(ConsumerRecords<byte[], byte[]> records) {
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                read(record);
            }
        } catch (RuntimeException e) {
            for (TopicPartition tp : records.partitions()) {
                try {
                    consumer.seek(tp, records.records(tp).getFirst().offset());
                } catch (IllegalStateException notAssigned) {
                    // no longer ours: the next owner starts at the commit point
                }
            }
            throw e;
        }
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        HeldPartition partition = owned.get(tp);
        if (partition == null) {
            adopt(Set.of(tp)); // assigned while an earlier adoption failed
            partition = owned.get(tp);
        }
        long due = DelayRecord.dueMillis(record).orElseGet(() -> {
            LOG.warn("delay record {}@{} has no valid {} header; releasing it now", tp, record.offset(), DelayRecord.DUE);
            return 0L;
        });
        String target = DelayRecord.target(record).orElseGet(() -> record.topic().substring((InternalTopics.PREFIX + "delay.").length()));
        long bytes = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length) + 256;
        partition.read(new HeldPartition.Held(record.offset(), due, target, record.key(), record.value(),
                DelayRecord.eventHeaders(record.headers()), bytes));
    }

    /** Produces every due event, waits for all acknowledgements, and marks the acknowledged ones released. */
    private void release() {
        long now = System.currentTimeMillis();
        List<HeldPartition> releasing = owned.values().stream().filter(p -> p.nextDueMillis().filter(due -> due <= now).isPresent()).toList();
        boolean checkAll = now - lastIdCheckMillis >= ID_CHECK_EVERY_MS;
        if (checkAll) {
            lastIdCheckMillis = now;
        }
        checkTopicIds(checkAll ? List.copyOf(owned.values()) : releasing);
        Map<HeldPartition, List<Sent>> sent = new HashMap<>();
        for (HeldPartition partition : owned.values()) {
            List<HeldPartition.Held> due = partition.takeDue(now, MAX_RELEASE_BATCH);
            if (due.isEmpty()) {
                continue;
            }
            List<Sent> sends = new ArrayList<>(due.size());
            for (HeldPartition.Held held : due) {
                sends.add(new Sent(held, send(partition.partition().partition(), held)));
            }
            sent.put(partition, sends);
        }
        for (Map.Entry<HeldPartition, List<Sent>> entry : sent.entrySet()) {
            settle(entry.getKey(), entry.getValue());
        }
    }

    private CompletableFuture<Void> send(int delayPartition, HeldPartition.Held held) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        int partition;
        try {
            partition = targetPartition(held, delayPartition);
        } catch (RuntimeException e) { // the target is gone, or its partition count cannot be read now: a failed send
            acked.completeExceptionally(e);
            return acked;
        }
        try {
            producer.send(new ProducerRecord<>(held.target(), partition, held.key(), held.value(), held.headers()), (metadata, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** The delay partition's number; a target with fewer partitions (recreated since) gets the publisher's choice. */
    private int targetPartition(HeldPartition.Held held, int delayPartition) {
        int partitions = topics.partitions(held.target());
        if (delayPartition < partitions) {
            return delayPartition;
        }
        return held.key() == null ? Math.floorMod(delayPartition, partitions)
                : KeyPartitioner.partition(new String(held.key(), StandardCharsets.UTF_8), partitions);
    }

    /*
     * The acknowledged prefix of a partition's sends is released. From the first failure on,
     * everything goes back to wait (even later sends that were acknowledged: releasing them again
     * after the failed one keeps the last copies in publish order), unless the target topic is
     * gone, which takes its events with it.
     */
    private void settle(HeldPartition partition, List<Sent> sends) {
        for (int i = 0; i < sends.size(); i++) {
            Sent s = sends.get(i);
            Throwable error = awaitAck(s.acked());
            if (error == null) {
                partition.released(s.held());
                continue;
            }
            if (state.get() != State.RUNNING) {
                return; // closing: not committed, so the next owner releases them
            }
            if (targetGone(s.held().target(), error)) {
                LOG.warn("dropping a delayed event for the deleted topic '{}' ({}@{})", s.held().target(), partition.partition(), s.held().offset());
                partition.released(s.held());
                continue;
            }
            LOG.warn("releasing delayed events of {} to topic '{}' failed ({}); trying again in {} ms",
                    partition.partition(), s.held().target(), error.toString(), RETRY_AFTER_MS);
            List<HeldPartition.Held> back = new ArrayList<>();
            for (Sent rest : sends.subList(i, sends.size())) {
                back.add(rest.held());
            }
            partition.putBack(back, System.currentTimeMillis() + RETRY_AFTER_MS);
            return;
        }
    }

    private Throwable awaitAck(CompletableFuture<Void> acked) {
        while (true) {
            try {
                acked.get(100, TimeUnit.MILLISECONDS);
                return null;
            } catch (TimeoutException e) {
                if (state.get() != State.RUNNING) {
                    return e;
                }
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
        }
    }

    private boolean targetGone(String target, Throwable error) {
        if (error instanceof TopicNotFoundException) {
            return true;
        }
        boolean unknown = error instanceof UnknownTopicOrPartitionException
                || (error instanceof org.apache.kafka.common.errors.TimeoutException && String.valueOf(error.getMessage()).contains("not present in metadata"));
        if (!unknown) {
            return false;
        }
        topics.forget(target);
        try {
            topics.partitions(target);
            return false;
        } catch (TopicNotFoundException e) {
            return true;
        } catch (RuntimeException e) {
            return false; // cannot tell now: tried again later
        }
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (HeldPartition partition : owned.values()) {
            partition.commitDue().ifPresent(c -> commits.put(partition.partition(), c));
        }
        if (commits.isEmpty()) {
            return;
        }
        consumer.commitSync(commits, timeout);
        commits.forEach((tp, c) -> {
            HeldPartition partition = owned.get(tp);
            if (partition != null) {
                partition.committed(c);
            }
        });
    }

    /** Pauses a partition over its share of the memory bound, resumes it once half of that is free. */
    private void limitMemory() {
        if (owned.isEmpty()) {
            return;
        }
        long bytesShare = Math.max(1024 * 1024, MAX_HELD_BYTES / owned.size());
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (HeldPartition partition : owned.values()) {
            TopicPartition tp = partition.partition();
            boolean over = partition.heldCount() > MAX_HELD_EVENTS || partition.heldBytes() > bytesShare;
            boolean roomy = partition.heldCount() <= MAX_HELD_EVENTS / 2 && partition.heldBytes() <= bytesShare / 2;
            if (over && paused.add(tp)) {
                pause.add(tp);
            } else if (roomy && paused.remove(tp)) {
                resume.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            LOG.info("delay forwarder holds too many events of {}; reading them later", pause);
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Deletes delay records below the commit point now and then: the delay topics keep records forever otherwise. */
    private void trim() {
        long now = System.currentTimeMillis();
        if (now - lastTrimMillis < TRIM_EVERY_MS) {
            return;
        }
        lastTrimMillis = now;
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        for (HeldPartition partition : owned.values()) {
            if (partition.committedOffset() > 0) {
                delete.put(partition.partition(), RecordsToDelete.beforeOffset(partition.committedOffset()));
            }
        }
        if (!delete.isEmpty()) {
            cluster.admin().deleteRecords(delete).all().whenComplete((ok, error) -> {
                if (error != null) {
                    LOG.debug("trimming delay topics", error); // done again at the next trim
                }
            });
        }
    }

    /** Starts holding {@code partitions} from their commit point, with the released offsets above it. */
    private void adopt(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions, timeout);
        Map<String, Uuid> ids = topicIds(partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet()));
        for (TopicPartition tp : partitions) {
            owned.put(tp, new HeldPartition(tp, ids.get(tp.topic()), committed.get(tp)));
        }
    }

    /*
     * A delay topic deleted with its topic takes its events along; if a topic of the same name
     * was created since, the consumer may go on at the old position in the new delay topic. So
     * before releasing, and every few seconds, the held partitions' topic ids are checked: one
     * that changed is held again from its commit point (a deleted topic's commits are deleted
     * with it, so that is the new topic's start), one that is gone holds nothing until the group
     * takes it away.
     */
    private void checkTopicIds(Collection<HeldPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<String, Uuid> ids = topicIds(partitions.stream().map(p -> p.partition().topic()).collect(Collectors.toSet()));
        Set<TopicPartition> stale = new HashSet<>();
        for (HeldPartition partition : partitions) {
            if (!Objects.equals(ids.get(partition.partition().topic()), partition.topicId())) {
                stale.add(partition.partition());
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        LOG.info("delay topics of {} were deleted or created again; holding them afresh", stale);
        stale.forEach(owned::remove);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(stale, timeout);
        for (TopicPartition tp : stale) {
            owned.put(tp, new HeldPartition(tp, ids.get(tp.topic()), committed.get(tp)));
            OffsetAndMetadata c = committed.get(tp);
            if (ids.get(tp.topic()) == null) {
                continue;
            }
            if (c == null) {
                consumer.seekToBeginning(Set.of(tp));
            } else {
                consumer.seek(tp, c.offset());
            }
        }
    }

    /** The current Kafka id of each of {@code names} that exists. */
    private Map<String, Uuid> topicIds(Set<String> names) {
        Map<String, Uuid> ids = new HashMap<>();
        cluster.admin().describeTopics(names).topicNameValues().forEach((name, future) -> {
            try {
                ids.put(name, cluster.await(future, "describing delay topic '" + name + "'").topicId());
            } catch (UnknownTopicOrPartitionException e) {
                // deleted: no id
            }
        });
        return ids;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.CLOSED)) {
            return;
        }
        consumer.wakeup();
        try {
            thread.join(timeout.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Sent(HeldPartition.Held held, CompletableFuture<Void> acked) {
    }

    /** Keeps {@link #owned} to the partitions the group gives this member. */
    private final class Listener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commit(); // the next owner skips what this one released
            } catch (RuntimeException e) {
                LOG.debug("commit before giving up delay partitions {}", partitions, e);
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<TopicPartition> fresh = new HashSet<>(partitions);
            fresh.removeAll(owned.keySet());
            if (fresh.isEmpty()) {
                return;
            }
            adopt(fresh);
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(owned::remove);
            paused.removeAll(partitions);
        }
    }
}
