package io.herald.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * How a subscription hands out events. An immutable value with {@code with}-style copies:
 * {@code SubscriptionSpec.ordering(PARTITION).startAt(StartPosition.EARLIEST)}.
 *
 * @param ordering       the order of deliveries; see {@link Ordering}
 * @param start          where a new subscription begins; ignored once it has a committed cursor
 * @param sessionTimeout how long a consumer may go without polling (or a push consumer without
 *                       making progress on a live thread) before it is presumed dead and its
 *                       partitions go to the other consumers of the group
 */
public record SubscriptionSpec(Ordering ordering, StartPosition start, Duration sessionTimeout) {

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MIN_SESSION_TIMEOUT = Duration.ofMillis(100);

    public SubscriptionSpec {
        Objects.requireNonNull(ordering, "ordering");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        if (sessionTimeout.compareTo(MIN_SESSION_TIMEOUT) < 0) {
            throw new InvalidSpecException("session timeout must be at least " + MIN_SESSION_TIMEOUT.toMillis()
                    + " ms, got " + sessionTimeout.toMillis() + " ms");
        }
    }

    /** Partition order, starting at the latest event (only events published from now on), 10 s session timeout. */
    public static SubscriptionSpec defaults() {
        return new SubscriptionSpec(Ordering.PARTITION, StartPosition.LATEST, DEFAULT_SESSION_TIMEOUT);
    }

    public static SubscriptionSpec ordering(Ordering ordering) {
        return defaults().withOrdering(ordering);
    }

    public SubscriptionSpec withOrdering(Ordering ordering) {
        return new SubscriptionSpec(ordering, start, sessionTimeout);
    }

    public SubscriptionSpec startAt(StartPosition start) {
        return new SubscriptionSpec(ordering, start, sessionTimeout);
    }

    public SubscriptionSpec sessionTimeout(Duration sessionTimeout) {
        return new SubscriptionSpec(ordering, start, sessionTimeout);
    }
}
