package io.herald.delivery;

import java.time.Instant;

/**
 * The failed deliveries of one event so far: how many, when the first and the last failed, and
 * the last error. A dead letter carries it; each backend keeps it across restarts in its own
 * retry record. Immutable.
 *
 * @param attempts deliveries that failed (a reject counts as one)
 */
public record FailureRecord(int attempts, Instant firstFailure, Instant lastFailure, String errorClass, String error) {

    public static final FailureRecord NONE = new FailureRecord(0, null, null, null, null);

    /** One more failure at {@code now}: {@code errorClass} null for a nack, a reject or an expired lease. */
    public FailureRecord next(String errorClass, String error, Instant now) {
        return new FailureRecord(attempts + 1, firstFailure == null ? now : firstFailure, now, errorClass, error);
    }
}
