package io.herald.server.subscription;

import io.herald.broker.Broker;
import io.herald.server.cluster.Forwarder;
import io.herald.server.config.ServerConfig;
import io.herald.server.http.Api;
import io.herald.server.http.Drain;
import io.herald.server.webhook.Webhooks;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * Everything the server keeps for subscriptions consumed over HTTP — its receivers, the receipts
 * it handed out, the open delivery streams — and the routes that use them. Made at start,
 * {@link #listening} once the port is known, closed at stop.
 */
public final class Subscriptions implements AutoCloseable {

    private final Receivers receivers;
    private final ReceiptBook book;
    private final DeliveryStreams streams = new DeliveryStreams();
    private final List<Api.Resource> resources;
    private final boolean advertised;

    public Subscriptions(Broker broker, Webhooks webhooks, ServerConfig config, Drain drain, Clock clock) {
        this.receivers = new Receivers(broker, drain);
        this.advertised = config.cluster().advertisedUrl().isPresent();
        this.book = new ReceiptBook(config.cluster().advertisedUrl().orElse(URI.create("http://unstarted")), key(config), clock);
        Settlement settlement = new Settlement(book, new Forwarder(), clock);
        this.resources = List.of(new SubscriptionRoutes(broker, receivers, streams, webhooks, clock),
                new DeliveryRoutes(receivers, book, settlement, streams, drain, config.limits()));
    }

    /** The receipt key: the cluster secret's SHA-256, or random bytes (receipts then settle only here). */
    private static byte[] key(ServerConfig config) {
        return config.cluster().secret().map(secret -> {
            try {
                return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }).orElseGet(() -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        });
    }

    public List<Api.Resource> resources() {
        return resources;
    }

    /** The server listens at {@code url}: receipts name it, unless an advertised URL was configured. */
    public void listening(URI url) {
        if (!advertised) {
            book.listening(url);
        }
    }

    /** Ends receipts whose lease ran out (their streams get the credit back); the server calls it every second. */
    public void sweep() {
        book.sweep();
    }

    /** The server drains: streams end. */
    public void draining() {
        streams.endAll();
    }

    @Override
    public void close() {
        streams.endAll();
        receivers.close();
        book.endAll();
    }
}
