package io.herald.broker;

/** With ordering {@code KEY}: what the other events of a key do once one of them is dead-lettered. */
public enum KeyAfterDeadLetter {
    /** They go on being delivered: the dead letter leaves a gap in the key's history. */
    CONTINUE,
    /** They wait until the dead letter is redriven (or purged): the key's order has no gap. */
    PARK
}
