package io.herald.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a crash test's consumers did across {@code kill -9}s, in the order they did it, per
 * delivered record (its position: a record published twice is two records): every
 * handler call with its attempt number, every success with the time its ack followed, and when
 * each consumer was killed. It finds the two things a kill must never cause: an attempt number
 * that goes down (the failures recorded before the kill were lost), and an event acked more than
 * a second before a kill that is delivered again (the ack never reached the disk). Thread-safe.
 */
public final class DeliveryHistory {

    /** How long an ack may take to reach the disk: acks older than this at a kill are final. */
    public static final long ACK_DURABLE_MILLIS = 1000;

    private final Map<String, Integer> lastAttempt = new HashMap<>();
    private final Map<String, Long> ackedAt = new HashMap<>();
    /** Acked more than a second before the kill of the consumer that acked it: that kill's time, by record. */
    private final Map<String, Long> ackedForGood = new HashMap<>();
    private final List<String> attemptsGoingDown = new ArrayList<>();
    private final List<String> deliveredAgain = new ArrayList<>();

    /** A handler call of the record {@code id} (its position, say) as attempt {@code attempt}. */
    public synchronized void called(String id, int attempt) {
        Integer last = lastAttempt.put(id, attempt);
        if (last != null && attempt < last) {
            attemptsGoingDown.add(id + ": attempt " + attempt + " after attempt " + last);
        }
        Long kill = ackedForGood.remove(id);
        if (kill != null) {
            deliveredAgain.add(id + " as attempt " + attempt + " (acked more than a second before the kill at " + kill + ")");
        }
        ackedAt.remove(id); // in flight again: an earlier ack is no longer its last word
    }

    /** The handler of {@code id} succeeded at {@code millis} (epoch); its ack follows at once. */
    public synchronized void acked(String id, long millis) {
        ackedAt.put(id, millis);
    }

    /**
     * The consumer was killed at {@code millis} (epoch): the acks it made more than a second before
     * must have reached the disk; those it made later may be lost with it, and so may be delivered again.
     */
    public synchronized void killed(long millis) {
        ackedAt.forEach((id, at) -> {
            if (at < millis - ACK_DURABLE_MILLIS) {
                ackedForGood.put(id, millis);
            }
        });
        ackedAt.clear();
    }

    /** Calls whose attempt number was lower than the event's previous call. */
    public synchronized List<String> attemptsGoingDown() {
        return List.copyOf(attemptsGoingDown);
    }

    /** Calls of events acked more than a second before a kill. */
    public synchronized List<String> ackedBeforeAKillAndDeliveredAgain() {
        return List.copyOf(deliveredAgain);
    }
}
