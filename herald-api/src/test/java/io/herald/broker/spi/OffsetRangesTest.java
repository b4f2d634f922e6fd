package io.herald.broker.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffsetRangesTest {

    @Test
    void runsOfOffsetRangesTravelAsRangesAboveTheCommitPoint() {
        OffsetRanges released = new OffsetRanges();
        for (long o : new long[] {11, 12, 13, 15, 40, 14, 41}) {
            released.add(o);
        }
        assertThat(released.rangeCount()).as("11-15 and 40-41").isEqualTo(2);
        String metadata = released.encode(10, OffsetRanges.MAX_CHARS);
        assertThat(metadata).isEqualTo("r1:1+4,u+1");
        OffsetRanges decoded = OffsetRanges.decode(10, metadata);
        for (long o = 0; o < 50; o++) {
            assertThat(decoded.contains(o)).as("offset %d", o).isEqualTo(released.contains(o));
        }
    }

    @Test
    void aRangeAddedAnywhereMergesWithWhatItOverlapsOrTouches() {
        java.util.Random random = new java.util.Random(15);
        for (int round = 0; round < 200; round++) {
            OffsetRanges ranges = new OffsetRanges();
            java.util.BitSet expected = new java.util.BitSet();
            for (int i = 0; i < 12; i++) {
                int first = random.nextInt(60);
                int last = first + random.nextInt(8);
                ranges.add(first, last);
                expected.set(first, last + 1);
            }
            for (int o = 0; o < 80; o++) {
                assertThat(ranges.contains(o)).as("round %d offset %d", round, o).isEqualTo(expected.get(o));
            }
            int runs = 0;
            for (int o = expected.nextSetBit(0); o >= 0; o = expected.nextSetBit(expected.nextClearBit(o))) {
                runs++;
            }
            assertThat(ranges.rangeCount()).as("ranges never touch or overlap").isEqualTo(runs);
        }
    }

    @Test
    void forgettingBelowTheCommitPointCutsARangeInTwo() {
        OffsetRanges released = new OffsetRanges();
        for (long o = 5; o <= 9; o++) {
            released.add(o);
        }
        released.forgetBelow(7);
        assertThat(released.contains(6)).isFalse();
        assertThat(released.contains(7)).isTrue();
        assertThat(released.contains(9)).isTrue();
        assertThat(released.encode(7, OffsetRanges.MAX_CHARS)).isEqualTo("r1:0+2");
    }

    @Test
    void metadataStaysUnderKafkasLimitAndLeavesOutOnlyTheHighestRanges() {
        OffsetRanges released = new OffsetRanges();
        for (long o = 1; o < 20_000; o += 2) {
            released.add(o); // 10,000 ranges of one
        }
        String metadata = released.encode(0, OffsetRanges.MAX_CHARS);
        assertThat(metadata.length()).isLessThanOrEqualTo(OffsetRanges.MAX_CHARS);
        OffsetRanges decoded = OffsetRanges.decode(0, metadata);
        List<Long> kept = new ArrayList<>();
        for (long o = 0; o < 20_000; o++) {
            if (decoded.contains(o)) {
                kept.add(o);
            }
        }
        assertThat(kept).isNotEmpty().startsWith(1L, 3L, 5L);
        long highest = kept.getLast();
        for (long o = 1; o <= highest; o += 2) {
            assertThat(decoded.contains(o)).as("every released offset up to the last one written, %d", o).isTrue();
        }
    }

    @Test
    void metadataThatIsNotOursMeansNothingReleased() {
        for (String other : new String[] {null, "", "r1:", "{\"v\":1}", "r1:zz+!!", "r1:-5"}) {
            OffsetRanges decoded = OffsetRanges.decode(100, other);
            assertThat(decoded.rangeCount()).as("metadata %s", other).isZero();
        }
    }

    @Test
    void runsAddedUpwardsMergeWhenTheyTouchAndEncodeAsRanges() {
        OffsetRanges r = new OffsetRanges();
        r.addRunAbove(12, 14);
        r.addRunAbove(15, 15); // touches 12..14
        r.addRunAbove(20, 21);
        assertThat(r.rangeCount()).isEqualTo(2);
        OffsetRanges back = OffsetRanges.decode(10, r.encode(10, 100));
        for (long o = 10; o < 23; o++) {
            assertThat(back.contains(o)).as("offset " + o).isEqualTo(o >= 12 && o <= 15 || o == 20 || o == 21);
        }
        assertThatThrownBy(() -> r.addRunAbove(21, 22)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forEachFromCutsTheRangeAcrossItsStart() {
        OffsetRanges r = new OffsetRanges();
        r.add(3);
        r.add(4);
        r.add(5);
        r.add(9);
        List<String> seen = new ArrayList<>();
        r.forEachFrom(4, (first, last) -> seen.add(first + ".." + last));
        assertThat(seen).containsExactly("4..5", "9..9");
    }
}
