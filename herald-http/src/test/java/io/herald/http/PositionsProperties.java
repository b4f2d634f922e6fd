package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.error.InvalidSpecException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Positions and resume tokens as text: what is written reads back, and what is not a position is refused naming the text. */
class PositionsProperties {

    @Property
    void aPositionReadsBackAsWritten(@ForAll @IntRange(min = 0) int partition, @ForAll @LongRange(min = 0) long offset) {
        Position p = new Position(partition, offset);
        assertThat(Positions.parse(Positions.format(p))).isEqualTo(p);
    }

    @Property
    void aTokenReadsBackAsWrittenAndAsTheBrokerReadsIt(@ForAll("tokens") Map<Integer, Long> offsets) {
        String token = Positions.format(offsets);
        assertThat(Positions.parseList(token)).isEqualTo(new TreeMap<>(offsets));
        // the server hands a token to StartPosition.parse: both read it alike
        assertThat(((StartPosition.AtOffsets) StartPosition.parse(token)).offsets()).isEqualTo(new TreeMap<>(offsets));
    }

    @Provide
    Arbitrary<Map<Integer, Long>> tokens() {
        return Arbitraries.maps(Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.longs().between(0, Long.MAX_VALUE))
                .ofMinSize(1).ofMaxSize(50);
    }

    @Example
    void blanksAroundTheNumbersAreTaken() {
        assertThat(Positions.parse(" 3 @ 12 ")).isEqualTo(new Position(3, 12));
        SortedMap<Integer, Long> list = Positions.parseList("1@7, 0@13");
        assertThat(list).containsExactly(Map.entry(0, 13L), Map.entry(1, 7L));
    }

    @Example
    void whatIsNoPositionIsRefusedNamingTheText() {
        for (String bad : new String[] {"", "@", "1@", "@1", "12", "a@1", "1@b", "-1@0", "0@-1", "+1@2", "1@2@3", "1.5@2",
                "2147483648@0", "0@9223372036854775808", "0@99999999999999999999", "\u0661@\u0662", "0@1x"}) {
            assertThatThrownBy(() -> Positions.parse(bad)).as("'%s'", bad).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Example
    void aBadListIsRefusedNamingTheText() {
        for (String bad : new String[] {"0@1,", ",0@1", "0@1,,1@2", "0@1;1@2", "0@1,0@2"}) {
            assertThatThrownBy(() -> Positions.parseList(bad)).as("'%s'", bad).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> Positions.parseList("0@1,0@2")).hasMessageContaining("partition 0 appears twice in '0@1,0@2'");
        String tooLong = "0@0,".repeat(5000) + "0@0";
        assertThatThrownBy(() -> Positions.parseList(tooLong)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("at most 4096").hasMessageContaining("'0@0,0@0,");
    }

    @Example
    void aLongTextIsCutInTheMessage() {
        String bad = "x".repeat(500);
        assertThatThrownBy(() -> Positions.parse(bad)).isInstanceOf(InvalidSpecException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).contains("xxxxx..."));
    }
}
