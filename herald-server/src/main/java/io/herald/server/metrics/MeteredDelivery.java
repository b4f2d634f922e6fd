package io.herald.server.metrics;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** A delivery that counts its first verdict (the one that counts, as the API says). */
final class MeteredDelivery implements Delivery {

    private final Delivery delivery;
    private final Consumer<String> verdicts;
    private final AtomicBoolean ended = new AtomicBoolean();

    MeteredDelivery(Delivery delivery, Consumer<String> verdicts) {
        this.delivery = delivery;
        this.verdicts = verdicts;
    }

    private void count(String verdict) {
        if (ended.compareAndSet(false, true)) {
            verdicts.accept(verdict);
        }
    }

    @Override
    public Event event() {
        return delivery.event();
    }

    @Override
    public String topic() {
        return delivery.topic();
    }

    @Override
    public String subscription() {
        return delivery.subscription();
    }

    @Override
    public Position position() {
        return delivery.position();
    }

    @Override
    public Instant appendTime() {
        return delivery.appendTime();
    }

    @Override
    public int attempt() {
        return delivery.attempt();
    }

    @Override
    public Instant leaseDeadline() {
        return delivery.leaseDeadline();
    }

    @Override
    public void ack() {
        delivery.ack();
        count("ack");
    }

    @Override
    public void nack() {
        delivery.nack();
        count("nack");
    }

    @Override
    public void nack(Duration delay) {
        delivery.nack(delay);
        count("nack");
    }

    @Override
    public void reject(String reason) {
        delivery.reject(reason);
        count("reject");
    }

    @Override
    public void extend(Duration by) {
        delivery.extend(by);
    }

    @Override
    public String toString() {
        return delivery.toString();
    }
}
