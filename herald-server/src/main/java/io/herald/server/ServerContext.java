package io.herald.server;

import io.herald.EmbeddedConfig;
import io.herald.broker.Broker;
import io.herald.server.config.ServerConfig;
import io.herald.server.deadletter.DeadLetterRoutes;
import io.herald.server.health.HealthRoutes;
import io.herald.server.http.Api;
import io.herald.server.http.Drain;
import io.herald.server.metrics.MeteredBroker;
import io.herald.server.metrics.MetricsRoutes;
import io.herald.server.metrics.SubscriptionGauges;
import io.herald.server.openapi.OpenApiRoutes;
import io.herald.server.publish.DuplicateWindow;
import io.herald.server.publish.PublishHistory;
import io.herald.server.publish.PublishRoutes;
import io.herald.server.read.ReadRoutes;
import io.herald.server.subscription.Subscriptions;
import io.herald.server.topic.TopicRates;
import io.herald.server.topic.TopicRoutes;
import io.herald.server.webhook.Webhooks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * What the server's resources share, made once at start and closed once at stop: the broker,
 * the drain signal, the publish duplicate window, the rate sampler, and the list of resources.
 */
final class ServerContext implements AutoCloseable {

    private final ServerConfig config;
    private final Broker broker;
    private final Drain drain = new Drain();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("herald-server-timer").daemon(true).factory());
    private final TopicRates rates;
    private final DuplicateWindow duplicates;
    private final PublishHistory history;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SubscriptionGauges gauges;
    private final List<Api.Resource> resources = new ArrayList<>();
    private final Subscriptions subscriptions;
    private final Webhooks webhooks;
    private final DeadLetterRoutes deadLetters;

    ServerContext(ServerConfig config, Broker backend, java.util.function.IntSupplier requestsInFlight) {
        this.config = config;
        Broker broker = new MeteredBroker(backend, metrics);
        this.broker = broker;
        this.gauges = new SubscriptionGauges(broker, metrics, Clock.systemUTC());
        this.rates = new TopicRates(broker, System::nanoTime);
        this.duplicates = new DuplicateWindow(config.duplicateWindow(), DuplicateWindow.DEFAULT_MAX_ENTRIES, System::nanoTime);
        resources.add(new HealthRoutes(broker, drain, requestsInFlight));
        this.webhooks = Webhooks.start(broker, metrics, Clock.systemUTC());
        this.history = new PublishHistory(broker, duplicates, Clock.systemUTC());
        resources.add(new TopicRoutes(broker, rates, webhooks, history));
        resources.add(new PublishRoutes(broker, duplicates, history, config.limits()));
        resources.add(new ReadRoutes(broker, drain, config.limits()));
        resources.add(new MetricsRoutes(metrics, gauges));
        resources.add(new OpenApiRoutes());
        this.subscriptions = new Subscriptions(broker, webhooks, config, drain, Clock.systemUTC());
        resources.addAll(subscriptions.resources());
        this.deadLetters = new DeadLetterRoutes(broker);
        resources.add(deadLetters);
    }

    io.micrometer.core.instrument.MeterRegistry metrics() {
        return metrics;
    }

    List<Api.Resource> resources() {
        return List.copyOf(resources);
    }

    void started(URI url) {
        subscriptions.listening(url);
        timers.scheduleWithFixedDelay(rates::sample, 0, TopicRates.SAMPLE_SECONDS, TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(guarded("receipt sweep", subscriptions::sweep), 1, 1, TimeUnit.SECONDS);
        if (config.backend() instanceof EmbeddedConfig embedded) {
            ServerFile.write(embedded.dataDirectory(), url, config.authEnabled());
        }
    }

    /** A timer task that logs a failure instead of ending its schedule. */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(ServerContext.class).warn("{} failed: {}", what, e.getMessage(), e);
            }
        };
    }

    void draining() {
        drain.start();
        subscriptions.draining();
    }

    @Override
    public void close() {
        timers.shutdownNow();
        subscriptions.close();
        deadLetters.close();
        webhooks.close(); // the pushers' calls in flight finish; the registry stays
        metrics.close();
        if (config.backend() instanceof EmbeddedConfig embedded) {
            ServerFile.remove(embedded.dataDirectory());
        }
    }
}
