package io.herald.broker;

/** A push consumer's work: return = ack, throw = nack (retry per the subscription's policy). */
@FunctionalInterface
public interface DeliveryHandler {

    void handle(Delivery delivery) throws Exception;
}
