package io.herald.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a push handler for a failure that names when to try again — a downstream service
 * that answered 429 or 503 with {@code Retry-After}. The subscription's retry policy judges it
 * like any failure (it counts as an attempt; after the last one the event is dead-lettered, with
 * this exception's message as the error), but the next attempt comes no sooner than
 * {@link #retryAfter()}, even when the policy's backoff is shorter.
 */
public class RetryAfterException extends RuntimeException {

    private final Duration retryAfter;

    public RetryAfterException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retry after must not be negative, got " + retryAfter);
        }
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
