package io.herald.delivery;

/**
 * A retry record a backend kept for an event: its failures so far and when it is due again;
 * {@code intent} non-null if the policy had given up and its dead letter was being written.
 * The backend hands it to {@link Window#restoreRetry} when it gets the event's partition.
 */
public record RetryRecord(FailureRecord failures, long dueAt, DeadLetterIntent intent) {

    public RetryRecord(FailureRecord failures, long dueAt) {
        this(failures, dueAt, null);
    }
}
