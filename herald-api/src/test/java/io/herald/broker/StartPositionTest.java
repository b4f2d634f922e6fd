package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
                .hasMessage("start position must be 'earliest', 'latest', an offset, offsets per partition "
                        + "such as 0@12,1@7 or an ISO-8601 instant such as 2026-11-22T10:15:30Z, got '" + text + "'");
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
                StartPosition.at(Instant.parse("1969-12-31T23:59:59Z")), StartPosition.offsets(Map.of(0, 12L)),
                StartPosition.offsets(Map.of(0, 12L, 1, 7L, 10, 0L, 2, Long.MAX_VALUE)));
    }

    @ParameterizedTest
    @MethodSource("positions")
    void toStringParsesBackToTheSamePosition(StartPosition position) {
        assertThat(StartPosition.parse(position.toString())).isEqualTo(position);
    }

    // ---- offsets per partition

    @Test
    void offsetsPerPartitionPrintInPartitionOrder() {
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        offsets.put(10, 3L);
        offsets.put(1, 7L);
        offsets.put(0, 12L);

        assertThat(StartPosition.offsets(offsets)).hasToString("0@12,1@7,10@3");
    }

    @Test
    void offsetsPerPartitionAreParsedWithOrWithoutSpaces() {
        StartPosition expected = StartPosition.offsets(Map.of(0, 12L, 1, 7L));

        assertThat(StartPosition.parse("0@12,1@7")).isEqualTo(expected).isInstanceOf(StartPosition.AtOffsets.class);
        assertThat(StartPosition.parse(" 1 @ 7 , 0@12 ")).isEqualTo(expected);
        assertThat(StartPosition.parse("3@0")).isEqualTo(new StartPosition.AtOffsets(new java.util.TreeMap<>(Map.of(3, 0L))));
    }

    @Test
    void aListedPartitionHasItsOffsetAndAnUnlistedOneNone() {
        StartPosition.AtOffsets position = (StartPosition.AtOffsets) StartPosition.offsets(Map.of(0, 12L, 2, 0L));

        assertThat(position.offset(0)).hasValue(12);
        assertThat(position.offset(2)).hasValue(0);
        assertThat(position.offset(1)).isEqualTo(OptionalLong.empty());
    }

    @Test
    void theOffsetsAreAnImmutableCopy() {
        Map<Integer, Long> offsets = new HashMap<>(Map.of(0, 12L));
        StartPosition.AtOffsets position = (StartPosition.AtOffsets) StartPosition.offsets(offsets);

        offsets.put(1, 5L);

        assertThat(position.offsets()).containsOnlyKeys(0);
        assertThatThrownBy(() -> position.offsets().put(1, 5L)).isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> invalidOffsets() {
        Map<Integer, Long> nullOffset = new HashMap<>();
        nullOffset.put(0, null);
        Map<Integer, Long> nullPartition = new HashMap<>();
        nullPartition.put(null, 1L);
        return Stream.of(
                Arguments.of(Map.of(), "offsets per partition must list at least one partition, got {}"),
                Arguments.of(Map.of(-1, 5L), "a partition must be >= 0, got -1 in {-1=5}"),
                Arguments.of(Map.of(0, -5L), "offset must be >= 0, got -5 for partition 0"),
                Arguments.of(nullOffset, "offset must be >= 0, got null for partition 0"),
                Arguments.of(nullPartition, "a partition must be >= 0, got null in {null=1}"));
    }

    @ParameterizedTest
    @MethodSource("invalidOffsets")
    void invalidOffsetsPerPartitionAreRefusedNamingTheValue(Map<Integer, Long> offsets, String message) {
        assertThatThrownBy(() -> StartPosition.offsets(offsets))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage(message);
    }

    @Test
    void noOffsetsAtAllAreRefused() {
        assertThatThrownBy(() -> StartPosition.offsets(null))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("offsets per partition must list at least one partition, got null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0@", "@5", "0@12,", ",0@12", "0@12;1@7", "0@-1", "-1@0", "0@1.5", "a@1", "0@12,1", "0@@1", "@"})
    void aMalformedPartitionListIsRefusedShowingTheForm(String text) {
        assertThatThrownBy(() -> StartPosition.parse(text))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("offsets per partition must be PARTITION@OFFSET[,PARTITION@OFFSET...] such as 0@12,1@7, got '"
                        + text.trim() + "'");
    }

    @Test
    void aPartitionListedTwiceIsRefusedNamingIt() {
        assertThatThrownBy(() -> StartPosition.parse("0@12,1@7,0@3"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("partition 0 is listed twice in '0@12,1@7,0@3'");
    }

    @Test
    void aPartitionOrOffsetTooLargeIsRefusedNamingTheEntry() {
        assertThatThrownBy(() -> StartPosition.parse("0@1,9999999999@1"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("partition or offset too large in '9999999999@1' of '0@1,9999999999@1'");
        assertThatThrownBy(() -> StartPosition.parse("0@9223372036854775808"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("too large");
    }
}
