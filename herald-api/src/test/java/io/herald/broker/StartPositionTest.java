package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StartPositionTest {

    @ParameterizedTest
    @ValueSource(strings = {"earliest", "EARLIEST", "Earliest", "  earliest\t"})
    void earliestIsParsedInAnyCaseAndSpacing(String text) {
        assertThat(StartPosition.parse(text)).isSameAs(StartPosition.EARLIEST).isSameAs(StartPosition.earliest());
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "LATEST", " Latest "})
    void latestIsParsedInAnyCaseAndSpacing(String text) {
        assertThat(StartPosition.parse(text)).isSameAs(StartPosition.LATEST).isSameAs(StartPosition.latest());
    }

    @Test
    void digitsAreAnOffset() {
        assertThat(StartPosition.parse("1042")).isEqualTo(StartPosition.offset(1042))
                .isEqualTo(new StartPosition.AtOffset(1042));
        assertThat(StartPosition.parse("0")).isEqualTo(StartPosition.offset(0));
        assertThat(StartPosition.parse(" 7 ")).isEqualTo(StartPosition.offset(7));
        assertThat(StartPosition.parse("9223372036854775807")).isEqualTo(StartPosition.offset(Long.MAX_VALUE));
    }

    @Test
    void anOffsetBeyondALongIsRefusedAsTooLarge() {
        assertThatThrownBy(() -> StartPosition.parse("9223372036854775808"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("offset '9223372036854775808' is too large");
    }

    @Test
    void anIsoInstantIsATime() {
        assertThat(StartPosition.parse("2026-11-22T10:15:30Z"))
                .isEqualTo(StartPosition.at(Instant.parse("2026-11-22T10:15:30Z")));
        assertThat(StartPosition.parse("2026-11-22T10:15:30.123456789Z"))
                .isEqualTo(new StartPosition.AtTime(Instant.parse("2026-11-22T10:15:30.123456789Z")));
    }

    @Test
    void anInstantWithAnOffsetIsTheSameMomentInUtc() {
        assertThat(StartPosition.parse("2026-11-22T11:15:30+01:00"))
                .isEqualTo(StartPosition.at(Instant.parse("2026-11-22T10:15:30Z")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "first", "-1", "+5", "1.5", "2026-11-22", "2026-11-22T10:15:30", "10:15", "earliest!", "0x10"})
    void anythingElseIsRefusedListingWhatIsAccepted(String text) {
        assertThatThrownBy(() -> StartPosition.parse(text))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("start position must be 'earliest', 'latest', an offset or an ISO-8601 instant "
                        + "such as 2026-11-22T10:15:30Z, got '" + text + "'");
    }

    @Test
    void aNegativeOffsetIsRefused() {
        assertThatThrownBy(() -> StartPosition.offset(-1))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("offset must be >= 0, got -1");
    }

    @Test
    void aNullTimeIsRefused() {
        assertThatThrownBy(() -> StartPosition.at(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("time");
    }

    static Stream<StartPosition> positions() {
        return Stream.of(StartPosition.EARLIEST, StartPosition.LATEST, StartPosition.offset(0), StartPosition.offset(1042),
                StartPosition.offset(Long.MAX_VALUE), StartPosition.at(Instant.parse("2026-11-22T10:15:30.5Z")),
                StartPosition.at(Instant.parse("1969-12-31T23:59:59Z")));
    }

    @ParameterizedTest
    @MethodSource("positions")
    void toStringParsesBackToTheSamePosition(StartPosition position) {
        assertThat(StartPosition.parse(position.toString())).isEqualTo(position);
    }
}
