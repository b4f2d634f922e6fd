package io.herald.broker;

import io.herald.event.Event;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An event a subscription gave up on, as its dead-letter topic holds it: the original event,
 * unchanged, and why and where it failed.
 *
 * @param position         where the dead letter sits in the dead-letter topic
 * @param event            the original event, unchanged
 * @param topic            the topic the event was published to
 * @param subscription     the subscription that gave up
 * @param originalPosition where the event sits in {@code topic}
 * @param attempts         deliveries made
 * @param firstFailure     when the first delivery failed
 * @param lastFailure      when the last one failed
 * @param errorClass       the class of the last error (empty for a reject or an expired lease)
 * @param errorMessage     the message of the last error
 * @param reason           why it was dead-lettered: "failed 5 of 5 attempts", "permanent error ...", a reject's reason
 */
public record DeadLetter(Position position, Event event, String topic, String subscription, Position originalPosition,
                         int attempts, Instant firstFailure, Instant lastFailure, Optional<String> errorClass,
                         Optional<String> errorMessage, String reason) {

    public DeadLetter {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(subscription, "subscription");
        Objects.requireNonNull(originalPosition, "originalPosition");
        Objects.requireNonNull(firstFailure, "firstFailure");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(errorClass, "errorClass");
        Objects.requireNonNull(errorMessage, "errorMessage");
        Objects.requireNonNull(reason, "reason");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
        }
    }
}
