package io.herald.server.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one webhook, tagged {@code topic} and {@code subscription}:
 * <ul>
 *   <li>{@code herald.webhook.deliveries} (counter), tagged {@code outcome}: per call
 *       {@value #DELIVERED}, {@value #RETRIED} (408, 429, 3xx, 5xx), {@value #REJECTED} (another
 *       4xx: dead-lettered), {@value #TIMEOUT}, {@value #UNREACHABLE}; per delivery that found
 *       the destination's circuit breaker open and waited, {@value #CIRCUIT_OPEN}; per delivery
 *       a stop cut short before its call, {@value #STOPPED};
 *   <li>{@code herald.webhook.latency} (timer): the HTTP calls, answered or not.
 * </ul>
 * Thread-safe.
 */
final class WebhookMetrics {

    static final String DELIVERIES = "herald.webhook.deliveries";
    static final String LATENCY = "herald.webhook.latency";
    static final String DELIVERED = "delivered";
    static final String RETRIED = "retried";
    static final String REJECTED = "rejected";
    static final String TIMEOUT = "timeout";
    static final String UNREACHABLE = "unreachable";
    static final String CIRCUIT_OPEN = "circuit_open";
    static final String STOPPED = "stopped";

    private final MeterRegistry registry;
    private final String topic;
    private final String subscription;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Timer latency;

    WebhookMetrics(MeterRegistry registry, String topic, String subscription) {
        this.registry = registry;
        this.topic = topic;
        this.subscription = subscription;
        this.latency = Timer.builder(LATENCY).description("HTTP calls of webhooks, answered or not")
                .tags("topic", topic, "subscription", subscription).register(registry);
        for (String outcome : List.of(DELIVERED, RETRIED, REJECTED, TIMEOUT, UNREACHABLE, CIRCUIT_OPEN, STOPPED)) {
            counter(outcome);
        }
    }

    void count(String outcome) {
        counter(outcome).increment();
    }

    void called(Duration took) {
        latency.record(took);
    }

    private Counter counter(String outcome) {
        return counters.computeIfAbsent(outcome, o -> Counter.builder(DELIVERIES)
                .description("webhook calls by outcome, and deliveries that waited for an open circuit breaker")
                .tags("topic", topic, "subscription", subscription, "outcome", o).register(registry));
    }

    /** Removes the meters: the webhook is gone. */
    void remove() {
        for (Meter m : counters.values()) {
            registry.remove(m);
        }
        registry.remove(latency);
    }
}
