package io.herald.embedded.deadletter;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.Position;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import io.herald.event.Event;
import java.time.Instant;
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
}
