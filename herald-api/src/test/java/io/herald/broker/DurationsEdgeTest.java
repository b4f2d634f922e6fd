package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsEdgeTest {

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "9999999999999999d"})
    void anOverlongDurationIsAnInvalidSpecNotAnArithmeticError(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(InvalidSpecException.class).hasMessageContaining(text);
    }

    @Test
    void everyDurationFormatsToTextThatParsesBack() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofNanos(1500), Duration.ofSeconds(-90), Duration.ofMillis(250),
                Duration.ofDays(7), Duration.ofMinutes(90)}) {
            assertThat(Durations.parse(Durations.format(d))).as("%s", d).isEqualTo(d);
        }
    }

    @Test
    void onlyAsciiDigitsAreAnOffset() {
        assertThatThrownBy(() -> StartPosition.parse("\u0663")).isInstanceOf(InvalidSpecException.class);
    }
}
