package io.herald.broker;

import java.util.List;
import java.util.Optional;

/** A subscription as it is now: its spec, its members and each partition's cursor. */
public record SubscriptionInfo(String topic, String name, SubscriptionSpec spec, List<String> members,
                               List<PartitionCursor> cursors, Stats stats) {

    public SubscriptionInfo {
        members = List.copyOf(members);
        cursors = List.copyOf(cursors);
    }

    /** Events published but not yet committed by this subscription, over all partitions. */
    public long lag() {
        return cursors.stream().mapToLong(PartitionCursor::lag).sum();
    }

    /**
     * One partition: {@code committed} is the next offset the subscription will consume,
     * {@code end} the partition's end offset, {@code owner} the member that holds it now;
     * {@code damage}: why its consumers stop before {@code end}, when damaged data lies between
     * the two (the file, offsets and check; consumers never skip it: restore the file, or move the
     * cursor past it with a reset).
     */
    public record PartitionCursor(int partition, long committed, long end, Optional<String> owner, Optional<String> damage) {

        public PartitionCursor(int partition, long committed, long end, Optional<String> owner) {
            this(partition, committed, end, owner, Optional.empty());
        }

        public long lag() {
            return Math.max(0, end - committed);
        }
    }

    /**
     * What the subscription is doing now.
     *
     * @param leased         deliveries handed out and not yet ended
     * @param retrying       failed events waiting for their next attempt
     * @param deadLettered   dead letters in its queue (not redriven, not purged)
     * @param redriving      dead letters redriven to it and not yet delivered successfully
     * @param ackedPerSecond events acknowledged per second over the last minute, in this process
     */
    public record Stats(long leased, long retrying, long deadLettered, long redriving, double ackedPerSecond) {
        public static final Stats NONE = new Stats(0, 0, 0, 0, 0);
    }
}
