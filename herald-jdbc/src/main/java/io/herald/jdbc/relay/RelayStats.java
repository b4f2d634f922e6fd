package io.herald.jdbc.relay;

import java.time.Duration;
import java.util.Optional;

/**
 * What an outbox and its relay are doing, for dashboards and alerts.
 *
 * @param pending          committed rows not yet published (and deleted)
 * @param oldestPendingAge how long the oldest pending row has waited; zero when none is pending
 * @param relayedPerSecond events this relay published per second over the last ten seconds
 * @param relayedTotal     events this relay published since it started
 * @param leader           whether this relay is the active one for its outbox (the others stand by)
 * @param lastError        the last failure of the broker or the database, cleared by the next success
 */
public record RelayStats(long pending, Duration oldestPendingAge, double relayedPerSecond, long relayedTotal,
                         boolean leader, Optional<String> lastError) {
}
