package io.herald.kafka.dispatch;

import io.herald.broker.SubscriptionSpec;
import io.herald.delivery.Window;
import io.herald.kafka.group.CommitMetadata;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The cursors of a {@link Dispatcher}'s partitions: what it commits for each, its window's lowest
 * unfinished offset with the offsets finished above it in the metadata
 * ({@link CommitMetadata#withFinished}), and only when that changed. Called with the dispatcher's
 * lock held.
 */
final class Cursors {

    /**
     * A round commits at most this often (a revoke and a close always): under load a round takes
     * a few milliseconds, and each commit encodes the offsets finished above the committed one.
     */
    private static final long COMMIT_MILLIS = 20;

    private final String topic;
    private final Window window;
    private final String metadata;
    /** The last commit of each partition (read when assigned, then made): only a change is committed. */
    private final Map<Integer, OffsetAndMetadata> committed = new HashMap<>();
    /** When a round last committed. Engine thread only. */
    private long lastCommit;

    Cursors(String topic, SubscriptionSpec spec, Window window) {
        this.topic = topic;
        this.window = window;
        this.metadata = CommitMetadata.of(spec);
    }

    /** The partition is assigned: {@code last} is its commit, if it has one, else it stands at {@code position}. */
    void assigned(int partition, OffsetAndMetadata last, long position) {
        committed.put(partition, last != null ? last : new OffsetAndMetadata(position, metadata));
    }

    /** What a round at {@code now} commits: the partitions whose commit changed, unless a round committed just before. */
    Map<TopicPartition, OffsetAndMetadata> due(long now) {
        Map<TopicPartition, OffsetAndMetadata> commits = now - lastCommit >= COMMIT_MILLIS ? commits(window.partitions(), false) : Map.of();
        if (!commits.isEmpty()) {
            lastCommit = now;
        }
        return commits;
    }

    /**
     * Every partition's commit whatever was sent before (a revoke or a close commits synchronously
     * what an asynchronous commit may have lost).
     */
    Map<TopicPartition, OffsetAndMetadata> all(Collection<Integer> partitions) {
        return commits(partitions, true);
    }

    /** An asynchronous commit failed: its partitions whose commit is still this one commit again. */
    void failed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, commit) -> {
            if (committed.remove(tp.partition(), commit)) {
                window.commitFailed(tp.partition());
            }
        });
    }

    void forget(int partition) {
        committed.remove(partition);
    }

    /** The partitions whose lowest unfinished offset or finished offsets above it changed; with {@code all}, every one. */
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
}
