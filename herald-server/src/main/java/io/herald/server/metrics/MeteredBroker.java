package io.herald.server.metrics;

import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.ForwardingBroker;
import io.herald.event.Event;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The broker as the server's resources see it, metering what passes: events published per topic
 * and the time until they are durable, deliveries handed out per subscription and their age
 * (from append to hand-out: the end-to-end latency), and verdicts by kind. A decorator, so no
 * resource carries metering code and the webhook pushers are metered as well. Thread-safe.
 */
public final class MeteredBroker extends ForwardingBroker {

    private final MeterRegistry registry;

    public MeteredBroker(Broker broker, MeterRegistry registry) {
        super(broker);
        this.registry = registry;
    }

    @Override
    public CompletableFuture<Position> publish(String topic, Event event) {
        long started = System.nanoTime();
        return delegate().publish(topic, event).whenComplete((p, e) -> published(topic, 1, started, e));
    }

    @Override
    public CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
        long started = System.nanoTime();
        return delegate().publish(topic, events).whenComplete((p, e) -> published(topic, events.size(), started, e));
    }

    private void published(String topic, int events, long started, Throwable failure) {
        if (failure == null) {
            Counter.builder("herald.published.events").description("events published through this server")
                    .tag("topic", topic).register(registry).increment(events);
            Timer.builder("herald.publish.latency").description("from a publish to its acknowledgement (as durable as the topic's fsync asks)")
                    .tag("topic", topic).publishPercentileHistogram().register(registry)
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public CompletableFuture<Void> publishAt(String topic, List<Event> events, Instant deliverAt) {
        return delegate().publishAt(topic, events, deliverAt).whenComplete((v, e) -> {
            if (e == null) {
                Counter.builder("herald.scheduled.events").description("delayed events accepted by this server")
                        .tag("topic", topic).register(registry).increment(events.size());
            }
        });
    }

    @Override
    public Subscriber subscribe(String topic, String subscription, SubscriptionSpec spec, DeliveryHandler handler) {
        return delegate().subscribe(topic, subscription, spec, d -> handler.handle(metered(d)));
    }

    @Override
    public PullSubscriber pullSubscriber(String topic, String subscription, SubscriptionSpec spec) {
        PullSubscriber pull = delegate().pullSubscriber(topic, subscription, spec);
        return new PullSubscriber() {
            @Override
            public String topic() {
                return pull.topic();
            }

            @Override
            public String subscription() {
                return pull.subscription();
            }

            @Override
            public List<Delivery> poll(int max, Duration wait) {
                return pull.poll(max, wait).stream().map(MeteredBroker.this::metered).toList();
            }

            @Override
            public Set<Integer> assignment() {
                return pull.assignment();
            }

            @Override
            public void close() {
                pull.close();
            }
        };
    }

    private Delivery metered(Delivery d) {
        Counter.builder("herald.delivered").description("deliveries handed to consumers by this server")
                .tag("topic", d.topic()).tag("subscription", d.subscription()).register(registry).increment();
        Timer.builder("herald.delivery.latency").description("from an event's append to a delivery of it")
                .tag("topic", d.topic()).tag("subscription", d.subscription()).publishPercentileHistogram().register(registry)
                .record(Duration.between(d.appendTime(), Instant.now()).toNanos(), TimeUnit.NANOSECONDS);
        return new MeteredDelivery(d, verdict -> Counter.builder("herald.settled")
                .description("verdicts on deliveries of this server: ack, nack, reject")
                .tag("topic", d.topic()).tag("subscription", d.subscription()).tag("verdict", verdict).register(registry).increment());
    }

}
