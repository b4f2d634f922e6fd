package io.herald.server.subscription;

import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.TopicReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A subscription's lag in time: the age of its oldest pending event, which is the event at its
 * committed cursor in some partition (the cursor never passes an unfinished event). Read with
 * one reader started at the cursors of the partitions that lag; zero when none lags.
 */
public final class SubscriptionLag {

    private static final int MAX_POLLS = 5;

    private SubscriptionLag() {
    }

    public static Optional<Double> seconds(Broker broker, SubscriptionInfo info, Clock clock) {
        Map<Integer, Long> lagging = new HashMap<>();
        for (SubscriptionInfo.PartitionCursor c : info.cursors()) {
            if (c.lag() > 0) {
                lagging.put(c.partition(), c.committed());
            }
        }
        if (lagging.isEmpty()) {
            return Optional.of(0.0);
        }
        Instant oldest = null;
        Set<Integer> seen = new HashSet<>();
        try (TopicReader reader = broker.reader(info.topic(), StartPosition.offsets(lagging))) {
            for (int i = 0; i < MAX_POLLS && seen.size() < lagging.size(); i++) {
                for (StoredEvent e : reader.poll(lagging.size() * 4, Duration.ofMillis(50))) {
                    if (seen.add(e.position().partition()) && (oldest == null || e.appendTime().isBefore(oldest))) {
                        oldest = e.appendTime();
                    }
                }
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (oldest == null) {
            return Optional.empty();
        }
        return Optional.of(Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0));
    }
}
