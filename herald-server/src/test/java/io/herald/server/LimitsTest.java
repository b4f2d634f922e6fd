package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.server.auth.AccessToken;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests per second per token: one over the rate is a 429 with Retry-After; other tokens are not held back. */
class LimitsTest {

    private static final String A = "token-a-0123456789abcdef";
    private static final String B = "token-b-0123456789abcdef";

    @Test
    void aTokenOverItsRateGets429WithRetryAfterAndAnotherTokenDoesNot() throws Exception {
        try (ServerFixture fixture = ServerFixture.embedded(c -> c.withTokens(List.of(AccessToken.admin("a", A), AccessToken.admin("b", B)))
                .withLimits(c.limits().withRequestsPerSecond(2)))) {
            Http a = fixture.http().withToken(A);
            Http.Answer limited = null;
            for (int i = 0; i < 20 && limited == null; i++) {
                Http.Answer answer = a.get("/topics");
                if (answer.status() == 429) {
                    limited = answer;
                } else {
                    assertThat(answer.status()).isEqualTo(200);
                }
            }
            assertThat(limited).as("a 429 within 20 quick requests at 2 per second").isNotNull();
            assertThat(limited.header("retry-after")).isNotNull();
            assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, 2L);
            JsonNode problem = limited.json();
            assertThat(problem.path("type").asText()).isEqualTo("/problems/rate-limited");
            assertThat(fixture.http().withToken(B).get("/topics").status()).isEqualTo(200);
        }
    }
}
