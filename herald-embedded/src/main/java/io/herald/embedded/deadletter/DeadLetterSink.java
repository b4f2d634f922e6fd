package io.herald.embedded.deadletter;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.Position;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.broker.StoredEvent;
import io.herald.embedded.topic.Partition;
import io.herald.embedded.topic.PartitionFetcher;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import io.herald.event.Event;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes dead letters to a subscription's dead-letter topic, creating the topic when it is
 * missing: as many partitions as the source topic (a dead letter goes to its key's partition, so
 * a key's dead letters stay in order), fsync {@code ALWAYS}, kept until purged or redriven.
 */
public final class DeadLetterSink {

    private final TopicRegistry topics;

    public DeadLetterSink(TopicRegistry topics) {
        this.topics = topics;
    }

    /** Creates the dead-letter topic of a subscription on {@code source} if it does not exist. */
    public Topic ensureTopic(String deadLetterTopic, Topic source) {
        try {
            return topics.get(deadLetterTopic);
        } catch (TopicNotFoundException missing) {
            try {
                return topics.create(deadLetterTopic, TopicSpec.partitions(source.spec().partitions()).fsync(FsyncPolicy.ALWAYS));
            } catch (TopicExistsException raced) {
                return topics.get(deadLetterTopic);
            }
        }
    }

    /** The event stored at {@code position} of a dead-letter topic, if the topic and the position exist. */
    public java.util.Optional<io.herald.broker.StoredEvent> read(String deadLetterTopic, Position position) {
        try {
            return topics.get(deadLetterTopic).read(position);
        } catch (TopicNotFoundException gone) {
            return java.util.Optional.empty();
        }
    }

    /** Appends the dead letter; completes with its position once it is on disk. */
    public CompletableFuture<Position> write(String deadLetterTopic, Topic source, Event original, String subscription,
                                             Position position, int attempts, Instant firstFailure, Instant lastFailure,
                                             String errorClass, String errorMessage, String reason) {
        Event deadLetter = DeadLetterFormat.write(original, source.name(), subscription, position, attempts, firstFailure,
                lastFailure, errorClass, errorMessage, reason);
        return ensureTopic(deadLetterTopic, source).publish(deadLetter);
    }

    /**
     * Where each partition of the dead-letter topic ends now, creating the topic if missing: a
     * dead letter written from here on lies at or past these offsets.
     */
    public Map<Integer, Long> ends(String deadLetterTopic, Topic source) {
        Map<Integer, Long> ends = new HashMap<>();
        for (Partition p : ensureTopic(deadLetterTopic, source).partitions()) {
            ends.put(p.index(), p.log().endOffset());
        }
        return ends;
    }

    /**
     * Whether the dead-letter topic holds, at or past {@code ends}, a dead letter that
     * {@code subscription} of {@code sourceTopic} wrote for the event at {@code original}.
     * Reads only what was written since the ends were taken: an intent's few milliseconds,
     * or what came in while a process was down.
     */
    public boolean written(String deadLetterTopic, Map<Integer, Long> ends, String sourceTopic, String subscription, Position original) {
        Topic topic;
        try {
            topic = topics.get(deadLetterTopic);
        } catch (TopicNotFoundException gone) {
            return false;
        }
        for (Partition p : topic.partitions()) {
            PartitionFetcher fetcher = new PartitionFetcher(p, ends.getOrDefault(p.index(), 0L));
            long end = p.log().endOffset();
            int empty = 0; // a fetch that finds the start moved past its position (a purge) seeks and reads nothing
            while (fetcher.position() < end && empty < 2) {
                StoredEvent stored = fetcher.next();
                if (stored == null) {
                    empty++;
                    continue;
                }
                empty = 0;
                if (DeadLetterFormat.isDeadLetterOf(stored, sourceTopic, subscription, original)) {
                    return true;
                }
            }
            if (fetcher.damage().isPresent()) {
                // damage hides what is past it: "not written" would write the dead letter a second time
                throw fetcher.damage().get();
            }
        }
        return false;
    }
}
