package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PositionTest {

    @Test
    void positionsSortByPartitionThenOffset() {
        List<Position> positions = new ArrayList<>(List.of(
                new Position(1, 0), new Position(0, 7), new Position(2, 1), new Position(0, 3),
                new Position(1, Long.MAX_VALUE), new Position(0, 0)));
        Collections.shuffle(positions, new Random(42));

        Collections.sort(positions);

        assertThat(positions).containsExactly(
                new Position(0, 0), new Position(0, 3), new Position(0, 7),
                new Position(1, 0), new Position(1, Long.MAX_VALUE), new Position(2, 1));
    }

    @Test
    void aLaterPartitionComesAfterAnyOffsetOfAnEarlierOne() {
        assertThat(new Position(1, 0)).isGreaterThan(new Position(0, Long.MAX_VALUE));
    }

    @Property
    void compareToIsConsistentWithEquals(@ForAll @IntRange(max = 3) int p1, @ForAll @LongRange(max = 3) long o1,
                                         @ForAll @IntRange(max = 3) int p2, @ForAll @LongRange(max = 3) long o2) {
        Position a = new Position(p1, o1);
        Position b = new Position(p2, o2);

        assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
    }

    @Test
    void aNegativePartitionIsRefused() {
        assertThatThrownBy(() -> new Position(-1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partition must be >= 0, got -1");
    }

    @Test
    void aNegativeOffsetIsRefused() {
        assertThatThrownBy(() -> new Position(0, -5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("offset must be >= 0, got -5");
    }

    @Test
    void aPositionPrintsAsPartitionAtOffset() {
        assertThat(new Position(3, 1042)).hasToString("3@1042");
    }
}
