package io.herald.broker.spi;

import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.RejectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a push consumer does with one delivery, for every ordering: the handler returns = ack;
 * it throws {@link RejectException} = dead letter now; it throws anything else = a failure, which
 * the subscription's retry policy judges with the exception in hand ({@link AbstractDelivery}'s
 * {@code fail}, not {@link Delivery#nack()}, which has none).
 */
public final class HandlerCall {

    private static final Logger LOG = LoggerFactory.getLogger(HandlerCall.class);

    private HandlerCall() {
    }

    public static void handle(DeliveryHandler handler, AbstractDelivery delivery) {
        try {
            handler.handle(delivery);
            delivery.ack();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RejectException e) {
            delivery.reject(e.getMessage());
        } catch (Throwable e) {
            LOG.warn("handler of subscription '{}' failed on {} (attempt {})", delivery.subscription(), delivery, delivery.attempt(), e);
            delivery.fail(e);
        }
    }
}
