package io.herald.jdbc;

import io.herald.broker.Broker;
import io.herald.broker.Position;
import io.herald.broker.StorageException;
import io.herald.broker.spi.ForwardingBroker;
import io.herald.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real broker behind a switch: while {@link #available} is false every publish fails, half of
 * them at once (an exception) and half through the future, as a broker outage looks to a
 * publisher. Everything else goes straight to the broker underneath.
 */
public class ControlledBroker extends ForwardingBroker {

    public volatile boolean available = true;
    private final AtomicInteger refused = new AtomicInteger();

    public ControlledBroker(Broker broker) {
        super(broker);
    }

    /** Publishes refused so far. */
    public int refused() {
        return refused.get();
    }

    private void checkAvailable() {
        if (!available && refused.incrementAndGet() % 2 == 0) {
            throw new StorageException("the broker is unavailable (test outage)");
        }
    }

    @Override
    public CompletableFuture<Position> publish(String topic, Event event) {
        checkAvailable();
        return available ? delegate().publish(topic, event)
                : CompletableFuture.failedFuture(new StorageException("the broker is unavailable (test outage)"));
    }

    @Override
    public CompletableFuture<List<Position>> publish(String topic, List<Event> events) {
        checkAvailable();
        return available ? delegate().publish(topic, events)
                : CompletableFuture.failedFuture(new StorageException("the broker is unavailable (test outage)"));
    }

    @Override
    public CompletableFuture<Void> publishAt(String topic, List<Event> events, Instant deliverAt) {
        return delegate().publishAt(topic, events, deliverAt);
    }

}
