package io.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    /**
     * The spec's own example values, and the signature the reference libraries compute for them
     * (the Standard Webhooks libraries' test vector: secret {@code whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw},
     * id {@code msg_p5jXN8AQM9LWM0D4loKWxJek}, timestamp 1614265330, body {@code {"test": 2432232314}}).
     */
    @Test
    void matchesTheReferenceLibrariesTestVector() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

        String signature = WebhookSignature.sign(java.util.Base64.getDecoder().decode(secret.substring(6)),
                "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body);

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aSignatureVerifiesWithAnIndependentImplementationOfTheSpec() {
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[]{
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24});
        byte[] body = "{\"total\": 12.5, \"name\": \"Zoë\"}".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse("2025-03-01T10:00:00Z");
        String id = "msg_abc";
        String sig = WebhookSignature.sign(java.util.Base64.getDecoder().decode(secret.substring(6)), id, now.getEpochSecond(), body);
        Map<String, String> headers = Map.of("Webhook-Id", id, "Webhook-Timestamp", Long.toString(now.getEpochSecond()),
                "Webhook-Signature", "v1a,bm90LWEtc2lnbmF0dXJl " + sig);

        assertThat(StandardWebhooksVerifier.verify(secret, headers, body, now)).isEqualTo(id);
        byte[] tampered = body.clone();
        tampered[3] ^= 1;
        assertThatThrownBy(() -> StandardWebhooksVerifier.verify(secret, headers, tampered, now)).isInstanceOf(AssertionError.class);
    }

    @Test
    void theMessageIdIsStablePerEventAndSubscriptionAndHoldsNoDot() {
        Event e = Event.builder().id("order-1").source("/shop").type("order.placed").build();
        Event same = Event.builder().id("order-1").source("/shop").type("order.placed").json("{}").build();
        Event otherSource = Event.builder().id("order-1").source("/other").type("order.placed").build();

        String id = WebhookSignature.messageId("orders.v2", "billing", e);

        assertThat(id).startsWith("msg_").doesNotContain(".").hasSize(4 + 24);
        assertThat(WebhookSignature.messageId("orders.v2", "billing", same)).isEqualTo(id);
        assertThat(WebhookSignature.messageId("orders.v2", "audit", e)).isNotEqualTo(id);
        assertThat(WebhookSignature.messageId("orders.v2", "billing", otherSource)).isNotEqualTo(id);
        // the parts are length-prefixed: moving a character from one name to the next changes the id
        assertThat(WebhookSignature.messageId("orders.v", "2billing", e)).isNotEqualTo(id);
    }
}
