package io.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.server.webhook.CircuitBreaker.Closed;
import io.herald.server.webhook.CircuitBreaker.HalfOpen;
import io.herald.server.webhook.CircuitBreaker.Open;
import io.herald.server.webhook.CircuitBreaker.Permit;
import io.herald.server.webhook.CircuitBreaker.Wait;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breaker on a clock driven by hand (nanoseconds). */
class CircuitBreakerTest {

    private static final long S = 1_000_000_000L;

    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30));

    private void fail(long now) {
        breaker.failed(breaker.permit(now), now);
    }

    @Test
    void opensAfterTheThresholdOfFailuresInARow() {
        fail(0);
        fail(1 * S);
        assertThat(breaker.state()).isEqualTo(new Closed(2));
        assertThat(breaker.permit(2 * S)).isEqualTo(CircuitBreaker.PASS);

        fail(2 * S);

        assertThat(breaker.state()).isEqualTo(new Open(32 * S));
        assertThat(breaker.permit(3 * S)).isEqualTo(new Wait(32 * S));
    }

    @Test
    void aSuccessResetsTheCount() {
        fail(0);
        fail(0);
        breaker.succeeded(breaker.permit(0), 0);
        fail(0);
        fail(0);
        assertThat(breaker.state()).isEqualTo(new Closed(2));
    }

    @Test
    void afterOpenForOneProbeGoesAndTheOthersWait() {
        openAt(0);

        Permit probe = breaker.permit(30 * S);
        Permit other = breaker.permit(30 * S);

        assertThat(probe).isEqualTo(CircuitBreaker.PROBE);
        assertThat(breaker.state()).isInstanceOf(HalfOpen.class);
        assertThat(other).isInstanceOf(Wait.class);
    }

    @Test
    void theProbesSuccessClosesIt() {
        openAt(0);
        Permit probe = breaker.permit(31 * S);

        breaker.succeeded(probe, 31 * S);

        assertThat(breaker.state()).isEqualTo(new Closed(0));
        assertThat(breaker.permit(31 * S)).isEqualTo(CircuitBreaker.PASS);
    }

    @Test
    void theProbesFailureOpensItForAnotherOpenFor() {
        openAt(0);
        Permit probe = breaker.permit(31 * S);

        breaker.failed(probe, 32 * S);

        assertThat(breaker.state()).isEqualTo(new Open(62 * S));
        assertThat(breaker.permit(61 * S)).isEqualTo(new Wait(62 * S));
        assertThat(breaker.permit(62 * S)).isEqualTo(CircuitBreaker.PROBE);
    }

    @Test
    void callsLetThroughBeforeItOpenedChangeNothingWhenTheyEndLate() {
        Permit early = breaker.permit(0);
        Permit early2 = breaker.permit(0);
        openAt(1 * S);

        breaker.succeeded(early, 2 * S);
        assertThat(breaker.state()).as("a late success does not close it").isEqualTo(new Open(31 * S));
        Permit probe = breaker.permit(31 * S);
        breaker.failed(early2, 31 * S);
        assertThat(breaker.state()).as("only the probe decides").isInstanceOf(HalfOpen.class);
        breaker.succeeded(probe, 32 * S);
        assertThat(breaker.state()).isEqualTo(new Closed(0));
    }

    @Test
    void anAbandonedProbeHandsTheProbeToTheNextCaller() {
        openAt(0);
        Permit probe = breaker.permit(30 * S);

        breaker.abandoned(probe, 31 * S);

        assertThat(breaker.permit(31 * S)).isEqualTo(CircuitBreaker.PROBE);
    }

    @Test
    void abandoningAPassChangesNothing() {
        fail(0);
        breaker.abandoned(breaker.permit(0), 0);
        assertThat(breaker.state()).isEqualTo(new Closed(1));
    }

    @Test
    void newSettingsKeepTheStateAndApplyFromTheNextFailure() {
        fail(0);
        fail(0);
        breaker.configure(2, Duration.ofSeconds(5));
        assertThat(breaker.state()).isEqualTo(new Closed(2));
        fail(10 * S);
        assertThat(breaker.state()).isEqualTo(new Open(15 * S));
    }

    @Test
    void theClockMayWrap() {
        long near = Long.MAX_VALUE - S;
        openAt(near);
        assertThat(breaker.permit(near + 29 * S)).isInstanceOf(Wait.class);
        assertThat(breaker.permit(near + 30 * S)).isEqualTo(CircuitBreaker.PROBE);
    }

    private void openAt(long now) {
        fail(now);
        fail(now);
        fail(now);
        assertThat(breaker.state()).isInstanceOf(Open.class);
    }
}
