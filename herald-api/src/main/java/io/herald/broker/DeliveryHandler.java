package io.herald.broker;

/**
 * A push consumer's work: return = ack; throw {@link RejectException} = dead letter now; throw
 * anything else = a failure, retried per the subscription's policy (which sees the exception).
 */
@FunctionalInterface
public interface DeliveryHandler {

    void handle(Delivery delivery) throws Exception;
}
