package io.herald.broker.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.RejectException;
import io.herald.broker.RetryAfterException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HandlerCallTest {

    private final RecordingDelivery delivery = new RecordingDelivery();

    @Test
    void aHandlerThatReturnsAcks() {
        HandlerCall.handle(d -> { }, delivery);

        assertThat(delivery.calls).containsExactly("ack");
    }

    @Test
    void aHandlerThatThrowsRejectExceptionRejectsWithItsMessage() {
        HandlerCall.handle(d -> {
            throw new RejectException("card stolen");
        }, delivery);

        assertThat(delivery.calls).containsExactly("reject card stolen");
    }

    @Test
    void anyOtherExceptionIsAFailureThePolicyJudgesWithTheExceptionInHand() {
        HandlerCall.handle(d -> {
            throw new RetryAfterException("busy", Duration.ofSeconds(3));
        }, delivery);

        assertThat(delivery.calls).containsExactly("nack null busy");
    }

    @Test
    void aHandlerThatGaveItsOwnVerdictKeepsIt() {
        HandlerCall.handle(d -> {
            d.ack();
            throw new IllegalStateException("after the ack");
        }, delivery);
        RecordingDelivery nacked = new RecordingDelivery();
        HandlerCall.handle(d -> d.nack(Duration.ofSeconds(1)), nacked);

        assertThat(delivery.calls).containsExactly("ack");
        assertThat(nacked.calls).containsExactly("nack PT1S null");
    }

    @Test
    void aVirtualMachineErrorIsNotAVerdict() {
        assertThatThrownBy(() -> HandlerCall.handle(d -> {
            throw new OutOfMemoryError("test");
        }, delivery)).isInstanceOf(OutOfMemoryError.class);

        assertThat(delivery.calls).isEmpty();
    }
}
