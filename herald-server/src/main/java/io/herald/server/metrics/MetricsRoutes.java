package io.herald.server.metrics;

import io.herald.server.auth.Access;
import io.herald.server.http.Api;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics}: every meter of the server in the Prometheus text format, for a scraper.
 * It names topics and subscriptions, so with authentication on it needs a token.
 */
public final class MetricsRoutes implements Api.Resource {

    private final PrometheusMeterRegistry registry;
    private final SubscriptionGauges gauges;

    public MetricsRoutes(PrometheusMeterRegistry registry, SubscriptionGauges gauges) {
        this.registry = registry;
        this.gauges = gauges;
    }

    @Override
    public void addTo(Api api) {
        api.get("/metrics", Access.AUTHENTICATED, ctx -> {
            gauges.refresh();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
        });
    }
}
