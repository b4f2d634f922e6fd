package io.herald.broker;

import java.util.Set;

/**
 * A running push consumer: one member of a subscription's group, calling its handler for the
 * events of the partitions it owns. Closing it leaves the group; its partitions move to the
 * remaining members, starting at the last committed cursor.
 */
public interface Subscriber extends AutoCloseable {

    String topic();

    String subscription();

    /** The partitions this member owns now; changes when members join or leave. */
    Set<Integer> assignment();

    /** Leaves the group after the handler calls in progress return and their progress is committed. */
    @Override
    void close();
}
