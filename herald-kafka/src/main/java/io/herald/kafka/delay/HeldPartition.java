package io.herald.kafka.delay;

import io.herald.broker.spi.OffsetRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Headers;

/**
 * What the forwarder holds of one delay partition it owns: the events read and not yet released,
 * in due order (then offset order, so events due together keep their publish order), and the
 * commit point: below the lowest offset not released, with the released offsets above it as
 * metadata ({@link OffsetRanges}). Not thread-safe: the forwarder thread owns it.
 */
final class HeldPartition {

    /** One delayed event read from the partition, as the record it will become. */
    record Held(long offset, long dueMillis, String target, byte[] key, byte[] value, Headers headers, long bytes)
            implements Comparable<Held> {
        @Override
        public int compareTo(Held o) {
            int byDue = Long.compare(dueMillis, o.dueMillis);
            return byDue != 0 ? byDue : Long.compare(offset, o.offset);
        }
    }

    private final TopicPartition partition;
    /** The Kafka id of the delay topic the events were read from; null when it was unknown. */
    private final Uuid topicId;
    private final PriorityQueue<Held> waiting = new PriorityQueue<>();
    /** Offsets read and not yet released: waiting, or sent and not acknowledged. */
    private final TreeSet<Long> unreleased = new TreeSet<>();
    private final OffsetRanges released;
    /** The next offset to read; -1 until known. */
    private long next;
    private long heldBytes;
    private long notBeforeMillis;
    private OffsetAndMetadata lastCommit;

    HeldPartition(TopicPartition partition, Uuid topicId, OffsetAndMetadata committed) {
        this.partition = partition;
        this.topicId = topicId;
        this.next = committed == null ? -1 : committed.offset();
        this.released = committed == null ? new OffsetRanges() : OffsetRanges.decode(committed.offset(), committed.metadata());
        this.lastCommit = committed;
    }

    TopicPartition partition() {
        return partition;
    }

    Uuid topicId() {
        return topicId;
    }

    /** Takes a record read from the partition, unless an earlier owner released it already. */
    void read(Held held) {
        next = Math.max(next, held.offset() + 1);
        if (released.contains(held.offset()) || unreleased.contains(held.offset())) {
            return;
        }
        waiting.add(held);
        unreleased.add(held.offset());
        heldBytes += held.bytes();
    }

    /** The waiting events due at {@code nowMillis}, at most {@code max}, in release order; they stay unreleased until {@link #released}. */
    List<Held> takeDue(long nowMillis, int max) {
        List<Held> due = new ArrayList<>();
        if (nowMillis < notBeforeMillis) {
            return due;
        }
        while (due.size() < max && !waiting.isEmpty() && waiting.peek().dueMillis() <= nowMillis) {
            due.add(waiting.poll());
        }
        return due;
    }

    /** The target has the event (or is gone, and the event with it). */
    void released(Held held) {
        unreleased.remove(held.offset());
        released.add(held.offset());
        heldBytes -= held.bytes();
    }

    /** Events taken but not released: they wait again, and the partition releases nothing before {@code notBeforeMillis}. */
    void putBack(List<Held> events, long notBeforeMillis) {
        waiting.addAll(events);
        this.notBeforeMillis = Math.max(this.notBeforeMillis, notBeforeMillis);
    }

    /** When the next release is due here, in epoch milliseconds; empty when nothing waits. */
    Optional<Long> nextDueMillis() {
        Held first = waiting.peek();
        return first == null ? Optional.empty() : Optional.of(Math.max(first.dueMillis(), notBeforeMillis));
    }

    int heldCount() {
        return unreleased.size();
    }

    long heldBytes() {
        return heldBytes;
    }

    /** The commit to make if it differs from the last one: below the first unreleased offset, with the released ones above it. */
    Optional<OffsetAndMetadata> commitDue() {
        if (next < 0) {
            return Optional.empty();
        }
        long offset = unreleased.isEmpty() ? next : unreleased.first();
        released.forgetBelow(offset);
        OffsetAndMetadata commit = new OffsetAndMetadata(offset, released.encode(offset, OffsetRanges.MAX_CHARS));
        if (commit.equals(lastCommit)) {
            return Optional.empty();
        }
        return Optional.of(commit);
    }

    void committed(OffsetAndMetadata commit) {
        lastCommit = commit;
    }

    /** The offset below which the partition's records are done with, as last committed; -1 when none. */
    long committedOffset() {
        return lastCommit == null ? -1 : lastCommit.offset();
    }
}
