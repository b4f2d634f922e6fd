package io.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerdictTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final String TARGET = "POST https://billing.example/hooks";

    private static Verdict answered(int status, String body) {
        return answered(status, body, Optional.empty());
    }

    private static Verdict answered(int status, String body, Optional<String> retryAfter) {
        return Verdict.of(new Call.Answered(status, retryAfter, Optional.empty(), body.getBytes(StandardCharsets.UTF_8)), TARGET, NOW);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void twoHundredsAreDelivered(int status) {
        assertThat(answered(status, "")).isInstanceOf(Verdict.Delivered.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504, 599})
    void timeoutsThrottlingAndServerErrorsAreRetried(int status) {
        assertThat(answered(status, "busy")).isInstanceOfSatisfying(Verdict.Retry.class, r -> {
            assertThat(r.outcome()).isEqualTo("retried");
            assertThat(r.message()).isEqualTo(TARGET + " answered HTTP " + status + ": busy");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 451})
    void otherClientErrorsAreRefusals(int status) {
        assertThat(answered(status, "{\"error\": \"no such account\"}")).isInstanceOfSatisfying(Verdict.Refused.class, r ->
                assertThat(r.message()).isEqualTo(TARGET + " answered HTTP " + status + ": {\"error\": \"no such account\"}"));
    }

    @Test
    void aRedirectIsRetriedAndNamesWhereItPoints() {
        Verdict v = Verdict.of(new Call.Answered(301, Optional.empty(), Optional.of("https://new.example/hooks"), new byte[0]), TARGET, NOW);

        assertThat(v).isInstanceOfSatisfying(Verdict.Retry.class, r -> assertThat(r.message())
                .contains("HTTP 301").contains("https://new.example/hooks").contains("change the URL").endsWith("with an empty body"));
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        assertThat(((Verdict.Retry) answered(429, "", Optional.of("120"))).retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(((Verdict.Retry) answered(503, "", Optional.of("Sat, 01 Mar 2025 10:00:30 GMT"))).retryAfter())
                .contains(Duration.ofSeconds(30));
        assertThat(((Verdict.Retry) answered(503, "", Optional.of("Fri, 28 Feb 2025 10:00:00 GMT"))).retryAfter())
                .as("a date in the past: no wait").contains(Duration.ZERO);
        assertThat(((Verdict.Retry) answered(503, "", Optional.of("soon"))).retryAfter()).isEmpty();
        assertThat(((Verdict.Retry) answered(429, "", Optional.of("120"))).message()).contains("HTTP 429 (Retry-After 120 s)");
    }

    @Test
    void theBodyIsQuotedOnOneLineAndCut() {
        String body = "line one\r\n\tline two\u0000" + "x".repeat(1000);

        String message = ((Verdict.Refused) answered(400, body)).message();

        assertThat(message).doesNotContain("\n").doesNotContain("\r").doesNotContain("\t").doesNotContain("\u0000")
                .contains(": line one line two xxx").endsWith("...");
        assertThat(message.length()).isLessThan(TARGET.length() + 30 + Verdict.EXCERPT_CHARS);
    }

    @Test
    void noAnswerIsRetriedWithItsOwnOutcome() {
        assertThat(Verdict.of(new Call.TimedOut(Duration.ofMillis(300)), TARGET, NOW)).isEqualTo(new Verdict.Retry("timeout",
                TARGET + " gave no answer within the timeout of 300 ms", Optional.empty()));
        assertThat(Verdict.of(new Call.Unreachable("ConnectException: Connection refused"), TARGET, NOW)).isEqualTo(
                new Verdict.Retry("unreachable", TARGET + " could not be reached: ConnectException: Connection refused", Optional.empty()));
    }
}
