package io.herald.broker;

import java.util.List;
import java.util.Optional;

/**
 * The dead letters of one subscription: those in its dead-letter topic that were neither
 * redriven nor purged. Thread-safe.
 */
public interface DeadLetterQueue {

    /** The dead-letter topic. */
    String topic();

    /** Up to {@code limit} dead letters in position order. */
    List<DeadLetter> list(DeadLetterSelector selector, int limit);

    long count(DeadLetterSelector selector);

    Optional<DeadLetter> show(Position position);

    /**
     * Sends the selected dead letters to the target, in position order (so each key keeps its
     * order), and removes them from the queue. {@code progress} hears each step.
     */
    long redrive(DeadLetterSelector selector, RedriveTarget target, Progress progress);

    /** Removes the selected dead letters for good; returns how many. */
    long purge(DeadLetterSelector selector);

    /** Hears how far a long operation got. */
    @FunctionalInterface
    interface Progress {
        Progress NONE = (done, total) -> { };

        void update(long done, long total);
    }
}
