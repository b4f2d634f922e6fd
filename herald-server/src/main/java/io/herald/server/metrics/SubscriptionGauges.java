package io.herald.server.metrics;

import io.herald.broker.Broker;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.TopicInfo;
import io.herald.server.subscription.SubscriptionLag;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per subscription, sampled from the broker (so they cover every consumer, not only this
 * server's): lag in events and in seconds (the age of the oldest pending event), leased,
 * retrying, dead-lettered and redriving. Sampled when a scrape comes and the last sample is
 * older than {@value #FRESH_MILLIS} ms (a scraper sees the state of its scrape, and a server
 * nobody scrapes does no work for it). A subscription that is gone drops out at the next sample.
 * Thread-safe: one sample at a time.
 */
public final class SubscriptionGauges {

    static final long FRESH_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionGauges.class);

    private record Sample(SubscriptionInfo info, double lagSeconds) {
    }

    private final Broker broker;
    private final Clock clock;
    private final Map<String, Gauge> gauges;

    private record Gauge(MultiGauge gauge, ToDoubleFunction<Sample> value) {
    }

    public SubscriptionGauges(Broker broker, MeterRegistry registry, Clock clock) {
        this.broker = broker;
        this.clock = clock;
        this.gauges = Map.of(
                "lag.events", gauge(registry, "herald.subscription.lag.events", "events published and not yet consumed",
                        s -> s.info().lag()),
                "lag.seconds", gauge(registry, "herald.subscription.lag.seconds", "age of the oldest pending event",
                        Sample::lagSeconds),
                "leased", gauge(registry, "herald.subscription.leased", "deliveries handed out and not yet ended",
                        s -> s.info().stats().leased()),
                "retrying", gauge(registry, "herald.subscription.retrying", "failed events waiting for their next attempt",
                        s -> s.info().stats().retrying()),
                "deadLettered", gauge(registry, "herald.subscription.dead.lettered", "dead letters in the subscription's queue",
                        s -> s.info().stats().deadLettered()),
                "redriving", gauge(registry, "herald.subscription.redriving", "redriven dead letters not yet delivered",
                        s -> s.info().stats().redriving()));
    }

    private static Gauge gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Sample> value) {
        return new Gauge(MultiGauge.builder(name).description(description).register(registry), value);
    }

    private long sampledAt = Long.MIN_VALUE;

    /** Samples unless the last sample is fresh; called before each scrape. */
    public synchronized void refresh() {
        long now = System.nanoTime();
        if (sampledAt != Long.MIN_VALUE && now - sampledAt < FRESH_MILLIS * 1_000_000) {
            return;
        }
        sample();
        sampledAt = System.nanoTime();
    }

    synchronized void sample() {
        List<Sample> samples = new ArrayList<>();
        try {
            for (TopicInfo topic : broker.listTopics()) {
                for (SubscriptionInfo info : broker.listSubscriptions(topic.name())) {
                    double seconds = SubscriptionLag.seconds(broker, info, clock).orElse(Double.NaN);
                    samples.add(new Sample(info, seconds));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot sample subscriptions now: {}", e.getMessage());
            return;
        }
        for (Gauge g : gauges.values()) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>(samples.size());
            for (Sample s : samples) {
                double v = g.value().applyAsDouble(s);
                rows.add(MultiGauge.Row.of(Tags.of("topic", s.info().topic(), "subscription", s.info().name()), v));
            }
            g.gauge().register(rows, true);
        }
    }
}
