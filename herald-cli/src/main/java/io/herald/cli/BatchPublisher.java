package io.herald.cli;

import io.herald.broker.Position;
import io.herald.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Publishes a stream of events in batches, parsing the next batch while the previous one is
 * written (and fsynced). At most one batch is in flight and a batch is only sent once the one
 * before it is acknowledged, so events are appended (or scheduled) in the order they were added.
 *
 * <p>Not thread-safe: one thread adds, sends and finishes.
 */
final class BatchPublisher {

    /** Where a batch goes: appended now, or kept to be appended later. */
    @FunctionalInterface
    interface Destination {
        /** Completes once the batch is durable, with its positions in order, or none when they are not known yet. */
        CompletableFuture<List<Position>> send(List<Event> batch);
    }

    /**
     * A batch is sent at this much data too: through a server a batch is one request, which a
     * server takes up to 32 MiB by default, and the data goes base64-encoded (a third more).
     */
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private final Destination destination;
    private final int batchSize;
    private final Consumer<List<Position>> acknowledged;
    private List<Event> pending;
    private long pendingBytes;
    private CompletableFuture<List<Position>> inFlight;
    private int inFlightCount;
    private long acknowledgedCount;

    /** {@code acknowledged} gets each batch's positions, in order, once the batch is durable. */
    BatchPublisher(Destination destination, int batchSize, Consumer<List<Position>> acknowledged) {
        this.destination = destination;
        this.batchSize = batchSize;
        this.acknowledged = acknowledged;
        this.pending = new ArrayList<>(batchSize);
    }

    /** Adds an event; a full batch is sent. */
    void add(Event event) {
        pending.add(event);
        pendingBytes += event.dataLength();
        if (pending.size() >= batchSize || pendingBytes >= MAX_BATCH_BYTES) {
            send();
        }
    }

    /** Sends what is pending and waits until everything sent is acknowledged. */
    void flush() {
        send();
        awaitInFlight();
    }

    /** Flushes; returns how many events were acknowledged in all. */
    long finish() {
        flush();
        return acknowledgedCount;
    }

    private void send() {
        if (pending.isEmpty()) {
            return;
        }
        awaitInFlight();
        inFlight = destination.send(pending);
        inFlightCount = pending.size();
        pending = new ArrayList<>(batchSize);
        pendingBytes = 0;
    }

    private void awaitInFlight() {
        if (inFlight != null) {
            List<Position> positions = inFlight.join();
            inFlight = null;
            acknowledgedCount += inFlightCount;
            acknowledged.accept(positions);
        }
    }
}
