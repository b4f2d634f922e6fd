package io.herald.jdbc.relay;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A relay's {@link RelayStats} as Micrometer meters, for Prometheus and the like:
 * {@code herald.outbox.pending}, {@code herald.outbox.oldest.pending.age},
 * {@code herald.outbox.relayed} (a counter), {@code herald.outbox.relay.rate} and
 * {@code herald.outbox.relay.leader}. {@code new RelayMetrics(relay).bindTo(registry)}.
 *
 * <p>The backlog is read from the database, so one scrape reads it once (one query) however many
 * of these gauges it takes within a second; while the database cannot be reached the gauges read
 * NaN rather than failing the scrape.
 */
public final class RelayMetrics implements MeterBinder {

    private static final long FRESH_MILLIS = 1000;

    private final OutboxRelay relay;
    private volatile RelayStats last;
    private volatile long lastAt;

    public RelayMetrics(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("herald.outbox.pending", this, read(s -> s.pending()))
                .description("committed outbox rows not yet published").baseUnit("rows").register(registry);
        TimeGauge.builder("herald.outbox.oldest.pending.age", this, TimeUnit.MILLISECONDS, read(s -> s.oldestPendingAge().toMillis()))
                .description("how long the oldest pending outbox row has waited").register(registry);
        FunctionCounter.builder("herald.outbox.relayed", this, read(s -> s.relayedTotal()))
                .description("events this relay published").baseUnit("events").register(registry);
        Gauge.builder("herald.outbox.relay.rate", this, read(RelayStats::relayedPerSecond))
                .description("events this relay published per second over the last ten seconds").register(registry);
        Gauge.builder("herald.outbox.relay.leader", this, read(s -> s.leader() ? 1 : 0))
                .description("1 while this relay is the active one of its outbox").register(registry);
    }

    private static ToDoubleFunction<RelayMetrics> read(ToDoubleFunction<RelayStats> value) {
        return metrics -> {
            RelayStats stats = metrics.stats();
            return stats == null ? Double.NaN : value.applyAsDouble(stats);
        };
    }

    private RelayStats stats() {
        long now = System.currentTimeMillis();
        RelayStats cached = last;
        if (cached != null && now - lastAt < FRESH_MILLIS) {
            return cached;
        }
        try {
            RelayStats fresh = relay.stats();
            last = fresh;
            lastAt = now;
            return fresh;
        } catch (RuntimeException databaseUnreachable) {
            return null;
        }
    }
}
