package io.herald.kafka.group;

/**
 * A member of a subscription's group in this process. When another member of the same group
 * opens or closes here, this one is told to rejoin at its next poll instead of waiting for the
 * coordinator's next heartbeat answer: partitions move in one poll, not a heartbeat later.
 */
public interface GroupPeer {

    void expectRebalance();
}
