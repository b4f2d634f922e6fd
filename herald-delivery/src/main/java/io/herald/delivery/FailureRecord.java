package io.herald.kafka.failure;

import io.herald.kafka.state.StateRecord;
import java.time.Instant;

/**
 * The failed deliveries of one event so far: how many, when the first and the last failed, and
 * the last error. A dead letter carries it; a {@link StateRecord.Retry} fact keeps it across
 * restarts and rebalances. Immutable.
 *
 * @param attempts deliveries that failed (a reject counts as one)
 */
public record FailureRecord(int attempts, Instant firstFailure, Instant lastFailure, String errorClass, String error) {

    public static final FailureRecord NONE = new FailureRecord(0, null, null, null, null);

    /** What a recorded retry schedule says about the event's failures. */
    public static FailureRecord of(StateRecord.Retry retry) {
        return new FailureRecord(retry.attempts(), retry.firstFailure(), retry.lastFailure(), retry.errorClass(), retry.error());
    }

    /** One more failure at {@code now}: {@code errorClass} null for a nack, a reject or an expired lease. */
    public FailureRecord next(String errorClass, String error, Instant now) {
        return new FailureRecord(attempts + 1, firstFailure == null ? now : firstFailure, now, errorClass, error);
    }

    public StateRecord.Retry retry(int partition, StateRecord.Source source, long offset, Instant dueAt) {
        return new StateRecord.Retry(partition, source, offset, attempts, dueAt, firstFailure, lastFailure, errorClass, error);
    }
}
