package io.herald.embedded.group;

import io.herald.broker.Position;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.delivery.DeadLetterWrite;
import io.herald.embedded.deadletter.DeadLetterIntents;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.topic.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The failure side of partition-ordered delivery: how many times an event failed (remembered
 * across restarts and rebalances in {@link DeliveryStateStore}), what the retry policy decides,
 * and the writing of dead letters. Thread-safe.
 */
final class FailureHandling {

    private final DeliveryStateStore states;
    private final DeadLetterSink deadLetters;
    private final Clock clock;
    private final RandomGenerator random;

    FailureHandling(DeliveryStateStore states, DeadLetterSink deadLetters, Clock clock, RandomGenerator random) {
        this.states = states;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.random = random;
    }

    long now() {
        return clock.millis();
    }

    Clock clock() {
        return clock;
    }

    RandomGenerator random() {
        return random;
    }

    /** The recorded failures of an event, if any. */
    Optional<DeliveryStateStore.OffsetState> recorded(String topic, String subscription, Position position) {
        return states.state(topic, subscription, position.partition(), position.offset());
    }

    /**
     * Records one more failure and returns the policy's decision, with an explicit delay (a
     * nack's) replacing the policy's backoff.
     */
    Decision failed(String topic, String subscription, RetryPolicy policy, Position position, Throwable error,
                    String message, Duration explicitDelay) {
        DeliveryStateStore.OffsetState old = recorded(topic, subscription, position).orElse(DeliveryStateStore.OffsetState.NONE);
        long now = clock.millis();
        int failures = old.attempts() + 1;
        RetryPolicy.Outcome outcome = policy.decide(failures, error, random);
        long dueAt = outcome instanceof RetryPolicy.Outcome.Retry r
                ? now + (explicitDelay != null ? explicitDelay : r.delay()).toMillis()
                : now;
        DeliveryStateStore.OffsetState state = new DeliveryStateStore.OffsetState(failures, dueAt,
                old.firstFailure() == 0 ? now : old.firstFailure(), now,
                error == null ? null : error.getClass().getName(), message, false, false);
        states.recordFailure(topic, subscription, position.partition(), position.offset(), state);
        return new Decision(outcome, state);
    }

    /** Records a reject as the last failure, for the dead letter to carry. */
    DeliveryStateStore.OffsetState rejected(String topic, String subscription, Position position, String reason) {
        DeliveryStateStore.OffsetState old = recorded(topic, subscription, position).orElse(DeliveryStateStore.OffsetState.NONE);
        long now = clock.millis();
        DeliveryStateStore.OffsetState state = new DeliveryStateStore.OffsetState(old.attempts() + 1, now,
                old.firstFailure() == 0 ? now : old.firstFailure(), now, null, reason, false, false);
        states.recordFailure(topic, subscription, position.partition(), position.offset(), state);
        return state;
    }

    /**
     * Writes the dead letter once ({@link DeadLetterWrite#exactlyOnce}): its intent first, or,
     * resumed after a restart ({@code resumedEnds} non-null), a look past the intent's ends; once
     * it is on disk the event is settled (and the state flushed). Completes with false if a step
     * failed: the claim then goes on from what the store holds (the intent, if it was recorded).
     */
    CompletableFuture<Boolean> deadLetter(DeadLetterIntents intents, String deadLetterTopic, Topic topic, String subscription,
                                          StoredEvent stored, Position original, DeliveryStateStore.OffsetState state, String reason,
                                          DeliveryStateStore.Redrive redrive, Map<Integer, Long> resumedEnds) {
        DeadLetterWrite.Intent intent = intents.of(redrive == null ? stored.position() : null, redrive, state, reason, original, resumedEnds);
        return DeadLetterWrite.exactlyOnce(intent, resumedEnds != null,
                        () -> deadLetters.write(deadLetterTopic, topic, stored.event(), subscription, original, state.attempts(),
                                Instant.ofEpochMilli(state.firstFailure()), Instant.ofEpochMilli(state.lastFailure()),
                                state.errorClass(), state.errorMessage(), reason),
                        () -> false, error -> { })
                .thenApply(written -> {
                    if (written) {
                        if (redrive == null) {
                            states.settle(topic.name(), subscription, original.partition(), original.offset(), true);
                        }
                        states.flush();
                    }
                    return written;
                });
    }

    /** An event that had failed was acked in the end. */
    void succeeded(String topic, String subscription, Position position) {
        if (recorded(topic, subscription, position).isPresent()) {
            states.settle(topic, subscription, position.partition(), position.offset(), false);
        }
    }

    DeliveryStateStore states() {
        return states;
    }

    DeadLetterSink deadLetters() {
        return deadLetters;
    }

    record Decision(RetryPolicy.Outcome outcome, DeliveryStateStore.OffsetState state) {
    }
}
