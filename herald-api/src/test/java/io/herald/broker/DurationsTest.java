package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "250ms, PT0.25S",
        "0ms, PT0S",
        "30s, PT30S",
        "5m, PT5M",
        "2h, PT2H",
        "7d, PT168H",
        "'  90s ', PT1M30S",
        "'5 m', PT5M",
        "1500ms, PT1.5S"})
    void shortFormsAreParsed(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT5M", "PT0.25S", "P2D", "P1DT2H", "pt5m"})
    void isoDurationsAreParsed(String text) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "m", "5M", "5 minutes", "1.5s", "-5s", "5us", "5w", "P", "forever", "5s5ms"})
    void anythingElseIsRefusedNamingTheTextAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("'" + text + "' is not a duration: write it as 250ms, 30s, 5m, 2h, 7d or ISO-8601 (PT5M)");
    }

    @ParameterizedTest
    @CsvSource({
        "PT0.25S, 250ms",
        "PT1.5S, 1500ms",
        "PT30S, 30s",
        "PT90S, 90s",
        "PT5M, 5m",
        "PT90M, 90m",
        "PT2H, 2h",
        "PT36H, 36h",
        "P7D, 7d"})
    void formatUsesTheLargestUnitThatIsExact(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
    }

    @Property(tries = 2000)
    void formattedWholeMillisecondsParseBackEqual(@ForAll @LongRange(min = 1, max = 1_000L * 86_400_000) long millis) {
        Duration d = Duration.ofMillis(millis);

        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
}
