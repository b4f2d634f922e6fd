package io.herald.broker.spi;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A delivery that records each hook call, as "ack", "nack delay error", "reject reason" or "extend by". */
final class RecordingDelivery extends AbstractDelivery {

    /** A redriven dead letter's: stored in another topic than the subscription's. */
    static final StoredEvent STORED = new StoredEvent("orders-dlt", new Position(2, 41), Instant.parse("2024-05-01T10:00:00Z"),
            Event.builder().id("e-1").type("order.placed").source("/shop").build());

    final List<String> calls = new CopyOnWriteArrayList<>();

    RecordingDelivery() {
        super("orders", "billing", STORED, 3);
    }

    @Override
    public Instant leaseDeadline() {
        return Instant.EPOCH;
    }

    @Override
    protected void onAck() {
        calls.add("ack");
    }

    @Override
    protected void onNack(Duration delay, Throwable error) {
        calls.add("nack " + delay + " " + (error == null ? null : error.getMessage()));
    }

    @Override
    protected void onReject(String reason) {
        calls.add("reject " + reason);
    }

    @Override
    protected void onExtend(Duration by) {
        calls.add("extend " + by);
    }
}
