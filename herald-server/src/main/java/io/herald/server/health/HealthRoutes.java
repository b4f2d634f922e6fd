package io.herald.server.health;

import io.herald.broker.Broker;
import io.herald.http.Problem;
import io.herald.server.auth.Access;
import io.herald.server.http.Api;
import io.herald.server.http.Drain;
import io.herald.server.http.ErrorMapping;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /health/live}: the process answers (a load balancer restarts it when not).
 * {@code /health/ready}: it can serve — the broker answers and no stop has begun (a load
 * balancer sends it no traffic when not). Both open to anyone, as probes are.
 */
public final class HealthRoutes implements Api.Resource {

    private final Broker broker;
    private final Drain drain;
    private final java.util.function.IntSupplier requestsInFlight;

    public HealthRoutes(Broker broker, Drain drain, java.util.function.IntSupplier requestsInFlight) {
        this.broker = broker;
        this.drain = drain;
        this.requestsInFlight = requestsInFlight;
    }

    @Override
    public void addTo(Api api) {
        api.get("/health/live", Access.OPEN, ctx -> ctx.json(Map.of("status", "UP")));
        api.get("/health/ready", Access.OPEN, this::ready);
    }

    private void ready(Context ctx) {
        if (drain.started()) {
            ErrorMapping.write(ctx, Problem.of(503, "not-ready", "Service unavailable", "the server is shutting down"));
            return;
        }
        try {
            broker.listTopics();
        } catch (RuntimeException e) {
            ErrorMapping.write(ctx, Problem.of(503, "not-ready", "Service unavailable", "the broker does not answer: " + e.getMessage()));
            return;
        }
        // requests in flight, this one included: what a stop would wait for
        ctx.json(Map.of("status", "UP", "requestsInFlight", requestsInFlight.getAsInt()));
    }
}
