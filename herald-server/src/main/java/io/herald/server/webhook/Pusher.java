package io.herald.server.webhook;

import io.herald.broker.Broker;
import io.herald.broker.Subscriber;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * One running webhook on this server: a push subscriber of its subscription whose handler is a
 * {@link WebhookHandler}. On a Kafka cluster every server runs one for each webhook; they are
 * members of the subscription's group and share its partitions (or its events, for {@code KEY}
 * and {@code NONE}).
 *
 * <p>Lifecycle: {@link #start} once, {@link #stop} once. Stopping wakes the deliveries that wait
 * for the destination (they fail with {@link WebhookStoppedException}), lets the calls in flight
 * finish, and leaves the group. Thread-safe.
 */
final class Pusher {

    private final WebhookRecord.Put webhook;
    private final Destinations destinations;
    private final Destination destination;
    private final WebhookHandler handler;
    private volatile boolean stopping;
    private Subscriber subscriber;

    Pusher(WebhookRecord.Put webhook, Destinations destinations, HttpClient client, Clock clock, LongSupplier nanoTime,
           WebhookMetrics metrics) {
        this.webhook = webhook;
        this.destinations = destinations;
        this.destination = destinations.attach(this, webhook.config());
        this.handler = new WebhookHandler(webhook.topic(), webhook.subscription(), webhook.spec(), webhook.config(), destination,
                client, clock, nanoTime, metrics, () -> stopping);
    }

    WebhookRecord.Put webhook() {
        return webhook;
    }

    /** Joins the subscription; the broker's error (unknown topic, a definition in use) when it refuses. */
    synchronized void start(Broker broker) {
        try {
            subscriber = broker.subscribe(webhook.topic(), webhook.subscription(), webhook.spec(), handler);
        } catch (RuntimeException e) {
            destinations.detach(this, destination);
            throw e;
        }
    }

    synchronized void stop() {
        stopping = true;
        destination.wake();
        try {
            if (subscriber != null) {
                subscriber.close();
            }
        } finally {
            destinations.detach(this, destination);
        }
    }
}
