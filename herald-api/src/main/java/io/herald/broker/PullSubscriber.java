package io.herald.broker;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A pull consumer: one member of a subscription's group that asks for events. Each
 * {@link #poll} is also its heartbeat: a member that does not poll within the subscription's
 * session timeout is presumed dead and its partitions go to the others, from the committed cursor.
 * Acknowledged events are committed in the background and on {@link #close()}.
 *
 * <p>Not thread-safe: one thread polls (the deliveries it returns may be acked from any thread).
 */
public interface PullSubscriber extends AutoCloseable {

    String topic();

    String subscription();

    /** Up to {@code max} deliveries, waiting up to {@code wait} for the first; empty when none came. */
    List<Delivery> poll(int max, Duration wait);

    /** The partitions this member owns now. */
    Set<Integer> assignment();

    /** Commits what is acknowledged, then leaves the group. */
    @Override
    void close();
}
