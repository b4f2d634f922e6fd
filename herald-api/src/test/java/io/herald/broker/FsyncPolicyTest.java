package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FsyncPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"always", "ALWAYS", " Always "})
    void alwaysIsParsedInAnyCase(String text) {
        assertThat(FsyncPolicy.parse(text)).isSameAs(FsyncPolicy.ALWAYS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"never", "NEVER", "\tnever"})
    void neverIsParsedInAnyCase(String text) {
        assertThat(FsyncPolicy.parse(text)).isSameAs(FsyncPolicy.NEVER);
    }

    @Test
    void intervalAloneMeansTheDefaultOfOneSecond() {
        assertThat(FsyncPolicy.parse("interval")).isEqualTo(FsyncPolicy.interval(Duration.ofSeconds(1)));
        assertThat(FsyncPolicy.DEFAULT_INTERVAL).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void intervalTakesAShortOrIsoDuration() {
        assertThat(FsyncPolicy.parse("interval:200ms")).isEqualTo(new FsyncPolicy.Interval(Duration.ofMillis(200)));
        assertThat(FsyncPolicy.parse("INTERVAL:5S")).isEqualTo(FsyncPolicy.interval(Duration.ofSeconds(5)));
        assertThat(FsyncPolicy.parse("interval:PT2M")).isEqualTo(FsyncPolicy.interval(Duration.ofMinutes(2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sometimes", "always-ish", "interval200ms", "interval=200ms", "fsync"})
    void anUnknownPolicyIsRefusedListingTheChoices(String text) {
        assertThatThrownBy(() -> FsyncPolicy.parse(text))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fsync policy must be 'always', 'interval', 'interval:<duration>' or 'never', got '" + text + "'");
    }

    @Test
    void anIntervalThatIsNoDurationIsRefusedNamingTheText() {
        assertThatThrownBy(() -> FsyncPolicy.parse("interval:soon"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("'soon' is not a duration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interval:0ms", "interval:0s", "interval:PT0S", "interval:PT-1S"})
    void aZeroOrNegativeIntervalIsRefused(String text) {
        assertThatThrownBy(() -> FsyncPolicy.parse(text))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("fsync interval must be positive, got ");
    }

    @Test
    void aNullIntervalIsRefused() {
        assertThatThrownBy(() -> FsyncPolicy.interval(null))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("fsync interval must be positive, got null");
    }

    static Stream<FsyncPolicy> policies() {
        return Stream.of(FsyncPolicy.ALWAYS, FsyncPolicy.NEVER, FsyncPolicy.interval(Duration.ofSeconds(1)),
                FsyncPolicy.interval(Duration.ofMillis(250)), FsyncPolicy.interval(Duration.ofMinutes(5)),
                FsyncPolicy.interval(Duration.ofMillis(1500)));
    }

    @ParameterizedTest
    @MethodSource("policies")
    void toStringParsesBackToTheSamePolicy(FsyncPolicy policy) {
        assertThat(FsyncPolicy.parse(policy.toString())).isEqualTo(policy);
    }

    @Test
    void policiesPrintAsTheyAreWritten() {
        assertThat(FsyncPolicy.ALWAYS).hasToString("always");
        assertThat(FsyncPolicy.NEVER).hasToString("never");
        assertThat(FsyncPolicy.interval(Duration.ofMillis(200))).hasToString("interval:200ms");
    }
}
