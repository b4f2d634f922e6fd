package io.herald.embedded.deadletter;

import io.herald.broker.Position;
import io.herald.delivery.DeadLetterWrite;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.topic.Topic;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Where one subscription keeps its dead letters' intents ({@link io.herald.delivery.DeadLetterIntent}):
 * in the delivery state store, in place of the failed event's record (a topic event's, or a
 * redriven one's), flushed before the dead letter is written. A look reads the dead-letter topic
 * past the ends the intent recorded. Both engines of the embedded broker (KEY/NONE and PARTITION)
 * write their dead letters through it.
 */
public final class DeadLetterIntents {

    /** A look reads the log: never on the caller's thread, which may hold a lock. */
    private static final Executor LOOKS = Executors.newVirtualThreadPerTaskExecutor();

    private final DeadLetterSink sink;
    private final DeliveryStateStore states;
    private final String deadLetterTopic;
    private final Topic topic;
    private final String subscription;

    public DeadLetterIntents(DeadLetterSink sink, DeliveryStateStore states, String deadLetterTopic, Topic topic, String subscription) {
        this.sink = sink;
        this.states = states;
        this.deadLetterTopic = deadLetterTopic;
        this.topic = topic;
        this.subscription = subscription;
    }

    /**
     * The intent of the dead letter of the event at {@code at} of the topic ({@code redrive} null)
     * or of a redriven one, whose failures are {@code failures}; {@code original} is where it was
     * published (what its dead letter names); {@code resumedEnds}: the ends of an intent recorded
     * before a restart, or null for a new one.
     */
    public DeadLetterWrite.Intent of(Position at, DeliveryStateStore.Redrive redrive, DeliveryStateStore.OffsetState failures,
                                     String reason, Position original, Map<Integer, Long> resumedEnds) {
        return new DeadLetterWrite.Intent() {
            private volatile Map<Integer, Long> ends = resumedEnds;

            @Override
            public CompletableFuture<?> record() {
                ends = sink.ends(deadLetterTopic, topic);
                DeliveryStateStore.OffsetState state = failures.deadLettering(reason, ends);
                if (redrive != null) {
                    states.addRedrive(topic.name(), subscription, redrive.withState(state));
                } else {
                    states.recordFailure(topic.name(), subscription, at.partition(), at.offset(), state);
                }
                return states.flush();
            }

            @Override
            public CompletableFuture<Boolean> written() {
                return CompletableFuture.supplyAsync(() -> sink.written(deadLetterTopic, ends, topic.name(), subscription, original), LOOKS);
            }
        };
    }
}
