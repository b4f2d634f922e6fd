package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.error.InvalidSpecException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookJsonTest {

    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);

    private static ObjectNode json(String text) {
        return Json.object(text.getBytes());
    }

    @Test
    void parsesTheFullForm() {
        WebhookConfig c = WebhookJson.parse(json("""
                {"url": "https://billing.example/hooks", "secret": "%s", "timeout": "5s", "ratePerSecond": 50,
                 "headers": {"X-Api-Key": "k-123"}, "circuitBreaker": {"failures": 3, "openFor": "10s"}}
                """.formatted(SECRET)));

        assertThat(c.url()).isEqualTo(URI.create("https://billing.example/hooks"));
        assertThat(c.secret()).contains(new WebhookConfig.Secret(SECRET));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.ratePerSecond()).contains(50.0);
        assertThat(c.headers()).containsExactly(Map.entry("X-Api-Key", "k-123"));
        assertThat(c.circuitBreaker()).isEqualTo(new WebhookConfig.Breaker(3, Duration.ofSeconds(10)));
    }

    @Test
    void onlyTheUrlIsRequiredAndTheRestHasDefaults() {
        WebhookConfig c = WebhookJson.parse(json("{\"url\": \"http://127.0.0.1:8080/in\"}"));

        assertThat(c).isEqualTo(WebhookConfig.of(URI.create("http://127.0.0.1:8080/in")));
        assertThat(c.secret()).isEmpty();
        assertThat(c.timeout()).isEqualTo(WebhookConfig.DEFAULT_TIMEOUT);
        assertThat(c.ratePerSecond()).isEmpty();
        assertThat(c.headers()).isEmpty();
        assertThat(c.circuitBreaker()).isEqualTo(WebhookConfig.Breaker.DEFAULT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                              | webhook.url           | is required
            {"url": 5}                                                      | webhook.url           | must be a string
            {"url": "billing.example/hooks"}                                | webhook.url           | absolute http or https
            {"url": "ftp://billing.example/hooks"}                          | webhook.url           | absolute http or https
            {"url": "https://user:pw@billing.example/hooks"}                | webhook.url           | user info
            {"url": "https://billing.example/hooks#x"}                      | webhook.url           | fragment
            {"url": "https:///hooks"}                                       | webhook.url           | no host
            {"url": "https://b.example", "secret": "abc"}                   | webhook.secret        | whsec_
            {"url": "https://b.example", "secret": "whsec_AAAA"}            | webhook.secret        | 24 to 64 bytes
            {"url": "https://b.example", "secret": "whsec_!!"}              | webhook.secret        | not base64
            {"url": "https://b.example", "timeout": "soon"}                 | webhook.timeout       | duration
            {"url": "https://b.example", "timeout": "1h"}                   | webhook.timeout       | between
            {"url": "https://b.example", "timeout": 0}                      | webhook.timeout       | between
            {"url": "https://b.example", "ratePerSecond": 0}                | webhook.ratePerSecond | between
            {"url": "https://b.example", "ratePerSecond": "fast"}           | webhook.ratePerSecond | must be a number
            {"url": "https://b.example", "headers": []}                     | webhook.headers       | JSON object
            {"url": "https://b.example", "headers": {"X-A": 1}}             | webhook.headers.X-A   | must be a string
            {"url": "https://b.example", "headers": {"Bad Name": "v"}}      | webhook.headers.Bad Name | not a header name
            {"url": "https://b.example", "headers": {"ce-id": "v"}}         | webhook.headers.ce-id | set by the server
            {"url": "https://b.example", "headers": {"Webhook-Id": "v"}}    | webhook.headers.Webhook-Id | set by the server
            {"url": "https://b.example", "headers": {"Content-Type": "v"}}  | webhook.headers.Content-Type | set by the server
            {"url": "https://b.example", "headers": {"X-A": "a\\nb"}}       | webhook.headers.X-A   | visible ASCII
            {"url": "https://b.example", "headers": {"X-A": "***"}}         | webhook.headers.X-A   | real value
            {"url": "https://b.example", "headers": {"X-A": "1", "x-a": "2"}} | webhook.headers     | given twice
            {"url": "https://b.example", "circuitBreaker": {"failures": 0}} | webhook.circuitBreaker.failures | between 1 and 1000
            {"url": "https://b.example", "circuitBreaker": {"openFor": "2h"}} | webhook.circuitBreaker.openFor | between
            {"url": "https://b.example", "circuitBreaker": {"fails": 2}}    | webhook.circuitBreaker.fails | unknown member
            {"url": "https://b.example", "retries": 2}                      | webhook.retries       | unknown member
            """)
    void aBadMemberIsA400NamingIt(String body, String member, String says) {
        assertThatThrownBy(() -> WebhookJson.parse(json(body)))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(400);
                    assertThat(e.problem().extensions()).containsEntry("field", member);
                    assertThat(e.problem().detail()).contains(member).contains(says);
                });
    }

    @Test
    void answersNeverShowTheSecretOrHeaderValues() {
        WebhookConfig c = WebhookConfig.of(URI.create("https://billing.example/hooks"))
                .withSecret(new WebhookConfig.Secret(SECRET)).withHeaders(Map.of("X-Api-Key", "k-123")).withRatePerSecond(2.5);

        JsonNode answer = WebhookJson.write(c);

        assertThat(answer.toString()).doesNotContain(SECRET).doesNotContain("k-123");
        assertThat(answer.path("secretSet").asBoolean()).isTrue();
        assertThat(answer.has("secret")).isFalse();
        assertThat(answer.path("headers").path("X-Api-Key").asText()).isEqualTo(WebhookConfig.MASKED);
        assertThat(answer.path("timeout").asText()).isEqualTo("15s");
        assertThat(answer.path("ratePerSecond").asDouble()).isEqualTo(2.5);
        assertThat(answer.path("circuitBreaker").path("openFor").asText()).isEqualTo("30s");
        assertThat(WebhookJson.write(WebhookConfig.of(URI.create("https://b.example"))).path("secretSet").asBoolean()).isFalse();
    }

    @Test
    void theAnswerToThePutThatGeneratedTheSecretShowsIt() {
        WebhookConfig.Secret secret = WebhookConfig.Secret.generate(new SecureRandom());
        WebhookConfig c = WebhookConfig.of(URI.create("https://billing.example/hooks")).withSecret(secret);

        assertThat(WebhookJson.writeRevealingSecret(c).path("secret").asText()).isEqualTo(secret.value());
    }

    @Test
    void theStoredFormReadsBackEqual() {
        WebhookConfig c = new WebhookConfig(URI.create("https://billing.example/hooks?tenant=7"),
                Optional.of(new WebhookConfig.Secret(SECRET)), Duration.ofMillis(2500), Optional.of(0.5),
                Map.of("X-Api-Key", "k-123", "Authorization", "Bearer t"), new WebhookConfig.Breaker(2, Duration.ofMillis(1500)));

        assertThat(WebhookJson.parse(WebhookJson.writeStored(c))).isEqualTo(c);
    }

    @Test
    void aGetAnswerSentBackIsAcceptedWithoutMaskedHeaders() {
        WebhookConfig c = WebhookConfig.of(URI.create("https://billing.example/hooks")).withSecret(new WebhookConfig.Secret(SECRET));

        WebhookConfig back = WebhookJson.parse(WebhookJson.write(c));

        assertThat(back.secret()).isEmpty(); // "keep the current one"
        assertThat(back.url()).isEqualTo(c.url());
    }

    @Test
    void generatedSecretsHaveTheStandardWebhooksForm() {
        WebhookConfig.Secret s = WebhookConfig.Secret.generate(new SecureRandom());

        assertThat(s.value()).startsWith("whsec_");
        assertThat(s.key()).hasSize(WebhookConfig.Secret.GENERATED_BYTES);
        assertThat(WebhookConfig.Secret.generate(new SecureRandom())).isNotEqualTo(s);
    }

    @Test
    void logsSeeNeitherTheSecretNorHeaderValuesNorTheQuery() {
        WebhookConfig c = WebhookConfig.of(URI.create("https://billing.example/hooks?token=abc"))
                .withSecret(new WebhookConfig.Secret(SECRET)).withHeaders(Map.of("X-Api-Key", "k-123"));

        assertThat(c.toString()).doesNotContain(SECRET.substring(6)).doesNotContain("k-123").doesNotContain("token=abc")
                .contains("X-Api-Key").contains("https://billing.example/hooks?...");
    }

    @Test
    void theRecordChecksWhatTheJsonChecks() {
        assertThatThrownBy(() -> WebhookConfig.of(URI.create("mailto:a@b.example")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("absolute http or https");
        assertThatThrownBy(() -> WebhookConfig.of(URI.create("https://b.example")).withTimeout(Duration.ofMillis(1)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("timeout");
        assertThatThrownBy(() -> WebhookConfig.of(URI.create("https://b.example")).withHeaders(Map.of("Host", "x")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("set by the server");
    }
}
