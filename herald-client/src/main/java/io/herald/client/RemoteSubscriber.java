package io.herald.client;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Ordering;
import io.herald.broker.RetryAfterException;
import io.herald.broker.StorageException;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.HandlerCall;
import io.herald.error.HeraldException;
import io.herald.http.EventJson;
import io.herald.http.Json;
import io.herald.http.ServerSentEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push consumer over the subscription's delivery stream ({@code GET .../stream?credits=N},
 * Server-Sent Events): the server pushes up to {@code N} deliveries that are not yet settled
 * ({@code spec.concurrency()} for KEY and NONE, one for PARTITION), and each verdict gives a
 * credit back. A thread of its own reads the stream and
 * hands each delivery to the handler, with the Broker API's meaning ({@link HandlerCall}): return
 * = ack, {@code RejectException} = reject, anything else = nack — a failure the subscription's
 * policy calls permanent is rejected at once, a {@link RetryAfterException} is nacked with its
 * delay ({@link RemoteDelivery}), since the server judges only the verdict, not the exception.
 *
 * <pre>
 *   server --SSE--> stream thread --+--> one handler thread, in stream order   (PARTITION: offset order)
 *                                   +--> a virtual thread per delivery         (KEY, NONE: the server keeps a key's order)
 * </pre>
 *
 * A dropped stream (the server restarted, the subscription was redefined) is opened again, after
 * 0.2 s and up to 5 s between tries; a refusal for good (the topic or subscription was deleted)
 * ends the subscriber, logged. Deliveries streamed but not yet handed to the handler when it is
 * closed stay leased on the server and are delivered again once their lease ends.
 *
 * <p>Thread-safe: {@link #close()} may come from any thread, also from a handler.
 */
final class RemoteSubscriber implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteSubscriber.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

    private final RemoteBroker broker;
    private final ServerConnection server;
    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final DeliveryHandler handler;
    private final Set<Integer> partitions;
    private final ExecutorService handlers;
    private final Semaphore running;
    private final Thread reader;
    /** Set on the handler threads: a handler that closes its own subscriber must not wait for itself. */
    private static final ThreadLocal<RemoteSubscriber> HANDLING = new ThreadLocal<>();

    private final AtomicBoolean closeCalled = new AtomicBoolean();
    private volatile boolean closed;
    private volatile ServerSentEvents open;

    RemoteSubscriber(RemoteBroker broker, ServerConnection server, String topic, String subscription, SubscriptionSpec spec,
                     DeliveryHandler handler, Set<Integer> partitions) {
        this.broker = broker;
        this.server = server;
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.handler = handler;
        this.partitions = Set.copyOf(partitions);
        this.handlers = spec.ordering() == Ordering.PARTITION
                ? Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("herald-handler-" + subscription).factory())
                : Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("herald-handler-" + subscription + "-", 0).factory());
        this.running = new Semaphore(credits());
        this.reader = Thread.ofPlatform().daemon().name("herald-stream-" + subscription).start(this::read);
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String subscription() {
        return subscription;
    }

    /** Every partition of the topic: the server's consumer holds them and streams from any of them. */
    @Override
    public Set<Integer> assignment() {
        return partitions;
    }

    private void read() {
        Duration retry = FIRST_RETRY;
        while (!closed) {
            try (ServerSentEvents events = new ServerSentEvents(server.stream(ServerConnection.Request
                    .get(RemoteBroker.subscriptionPath(topic, subscription) + "/stream").about(topic)
                    .query("credits", credits()).accept("text/event-stream")))) {
                open = events;
                retry = FIRST_RETRY;
                for (ServerSentEvents.Event e = events.next(); e != null && !closed; e = events.next()) {
                    RemoteDelivery delivery = RemoteDelivery.read(server, topic, subscription, spec.retry(),
                            Json.treeKeepingRaw(e.data().getBytes(StandardCharsets.UTF_8), EventJson.RAW_MEMBERS));
                    // the server sends no more than the credits; this only bounds a stream that would
                    running.acquire();
                    if (closed) {
                        running.release();
                        break; // streamed, not handled: it stays leased and comes again once the lease ends
                    }
                    handlers.execute(() -> {
                        HANDLING.set(this);
                        try {
                            if (!closed) {
                                HandlerCall.handle(handler, delivery);
                            }
                        } finally {
                            HANDLING.remove();
                            running.release();
                        }
                    });
                }
            } catch (ServerUnreachableException | BrokerClosedException | StorageException | IOException e) {
                if (!closed) {
                    LOG.debug("the delivery stream of '{}' on {} dropped: {}; opening it again", subscription, server.base(), e.getMessage());
                }
            } catch (HeraldException e) {
                if (!closed) {
                    LOG.error("subscriber of '{}' on topic '{}' stops: {}", subscription, topic, e.getMessage());
                    closed = true;
                }
                return;
            } catch (InterruptedException | RejectedExecutionException e) {
                return; // closed
            } finally {
                open = null;
            }
            if (closed || server.closed()) {
                return;
            }
            try {
                Thread.sleep(retry);
            } catch (InterruptedException e) {
                return;
            }
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
    }

    /**
     * How many unsettled deliveries the server may push: the concurrency for KEY and NONE (the
     * server keeps each key's order); one for PARTITION, whose handler works on one event at a time
     * and must see a failed event again before the next one of its partition.
     */
    private int credits() {
        return spec.ordering() == Ordering.PARTITION ? 1 : spec.concurrency();
    }

    /** Stops reading the stream, then waits for the handler calls in progress (their verdicts are sent as they return). */
    @Override
    public void close() {
        if (!closeCalled.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        ServerSentEvents events = open;
        if (events != null) {
            events.close();
        }
        reader.interrupt();
        handlers.shutdown();
        if (HANDLING.get() != this) {
            try {
                reader.join(CLOSE_GRACE.toMillis());
                if (!handlers.awaitTermination(CLOSE_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                    LOG.warn("handler calls of '{}' still running {} s after close", subscription, CLOSE_GRACE.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        broker.forget(this);
    }
}
