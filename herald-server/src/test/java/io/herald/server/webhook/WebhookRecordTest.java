package io.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.Event;
import io.herald.http.WebhookConfig;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookRecordTest {

    private static final WebhookConfig CONFIG = WebhookConfig.of(URI.create("https://billing.example/hooks?tenant=7"))
            .withSecret(WebhookConfig.Secret.generate(new SecureRandom())).withTimeout(Duration.ofMillis(2500))
            .withRatePerSecond(12.5).withHeaders(Map.of("X-Api-Key", "k-1"))
            .withCircuitBreaker(new WebhookConfig.Breaker(2, Duration.ofSeconds(3)));

    @Test
    void aPutReadsBackEqualWithItsWholeSpec() {
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.at(Instant.parse("2025-01-01T00:00:00Z")))
                .filter("{\"type\": [\"order.placed\"]}").retry(RetryPolicy.maxAttempts(7)
                        .backoff(Duration.ofMillis(250), 3.0, Duration.ofSeconds(20)).permanent(IllegalArgumentException.class))
                .deadLetterTopic("orders.failed").leaseDuration(Duration.ofSeconds(45)).concurrency(4)
                .sessionTimeout(Duration.ofSeconds(12)).keyAfterDeadLetter(KeyAfterDeadLetter.values()[KeyAfterDeadLetter.values().length - 1]);
        WebhookRecord.Put put = new WebhookRecord.Put("orders", "billing", spec, CONFIG);

        Event event = WebhookRecord.encode(put);

        assertThat(event.type()).isEqualTo(WebhookRecord.TYPE_PUT);
        assertThat(event.subject()).contains("orders/billing");
        assertThat(event.partitionKey()).contains("orders/billing");
        assertThat(WebhookRecord.decode(event)).isEqualTo(put);
    }

    @Test
    void theDefaultsReadBackEqual() {
        WebhookRecord.Put put = new WebhookRecord.Put("t", "s", SubscriptionSpec.defaults(), CONFIG);
        assertThat(WebhookRecord.decode(WebhookRecord.encode(put))).isEqualTo(put);
        WebhookRecord.Put earliest = new WebhookRecord.Put("t", "s", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST), CONFIG);
        assertThat(WebhookRecord.decode(WebhookRecord.encode(earliest))).isEqualTo(earliest);
    }

    @Test
    void aRemovalReadsBack() {
        WebhookRecord.Removed removed = new WebhookRecord.Removed("orders", "billing");
        assertThat(WebhookRecord.decode(WebhookRecord.encode(removed))).isEqualTo(removed);
    }

    @Test
    void anUnknownVersionOrTypeIsRefusedNamingIt() {
        Event v2 = Event.builder().type(WebhookRecord.TYPE_REMOVED).source(WebhookRecord.SOURCE)
                .json("{\"v\": 2, \"topic\": \"t\", \"subscription\": \"s\"}").build();
        Event other = Event.builder().type("io.herald.webhook.paused").source(WebhookRecord.SOURCE)
                .json("{\"v\": 1, \"topic\": \"t\", \"subscription\": \"s\"}").build();
        Event garbage = Event.builder().type(WebhookRecord.TYPE_PUT).source(WebhookRecord.SOURCE).data("not json").build();

        assertThatThrownBy(() -> WebhookRecord.decode(v2)).isInstanceOf(WebhookRecord.MalformedRecordException.class)
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> WebhookRecord.decode(other)).isInstanceOf(WebhookRecord.MalformedRecordException.class)
                .hasMessageContaining("io.herald.webhook.paused");
        assertThatThrownBy(() -> WebhookRecord.decode(garbage)).isInstanceOf(WebhookRecord.MalformedRecordException.class)
                .hasMessageContaining(garbage.id());
    }

    @Test
    void aStoredWebhookHasItsSecret() {
        assertThatThrownBy(() -> new WebhookRecord.Put("t", "s", SubscriptionSpec.defaults(),
                WebhookConfig.of(URI.create("https://b.example")))).isInstanceOf(IllegalArgumentException.class);
    }
}
