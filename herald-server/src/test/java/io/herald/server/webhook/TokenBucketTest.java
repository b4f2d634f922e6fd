package io.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The rate limit on a clock driven by hand (nanoseconds). */
class TokenBucketTest {

    private static final long MS = 1_000_000;

    @Test
    void theFirstCallGoesAtOnceAndTheNextAreSpacedByOneOverTheRate() {
        TokenBucket bucket = new TokenBucket(10); // one slot per 100 ms
        long now = 5_000 * MS;

        assertThat(bucket.reserve(now)).isZero();
        assertThat(bucket.reserve(now)).isEqualTo(100 * MS);
        assertThat(bucket.reserve(now)).isEqualTo(200 * MS);
        assertThat(bucket.reserve(now + 50 * MS)).isEqualTo(250 * MS);
    }

    @Test
    void noBurstBuildsUpWhileIdle() {
        TokenBucket bucket = new TokenBucket(10);
        bucket.reserve(0);

        long later = 60_000 * MS; // a minute of silence
        assertThat(bucket.reserve(later)).isZero();
        assertThat(bucket.reserve(later)).as("one slot, not a minute's worth").isEqualTo(100 * MS);
    }

    @Test
    void nCallsTakeNMinusOneIntervals() {
        TokenBucket bucket = new TokenBucket(4);
        long last = 0;
        for (int i = 0; i < 9; i++) {
            last = bucket.reserve(0);
        }
        assertThat(last).isEqualTo(8 * 250 * MS);
    }

    @Test
    void aCancelledLastSlotGoesToTheNextCallerButAnEarlierOneStaysAGap() {
        TokenBucket bucket = new TokenBucket(10);
        bucket.reserve(0);
        long slot = bucket.reserve(0); // 100 ms
        bucket.cancel(slot);
        assertThat(bucket.reserve(0)).as("the cancelled slot is taken again").isEqualTo(100 * MS);

        long earlier = 100 * MS;
        bucket.reserve(0); // 200 ms
        bucket.cancel(earlier);
        assertThat(bucket.reserve(0)).as("never faster than the rate").isEqualTo(300 * MS);
    }

    @Test
    void aNewRateSpacesTheSlotsAfterTheOnesGiven() {
        TokenBucket bucket = new TokenBucket(10);
        bucket.reserve(0);
        bucket.reserve(0); // 100 ms
        bucket.rate(2);
        assertThat(bucket.reserve(0)).isEqualTo(200 * MS);
        assertThat(bucket.reserve(0)).isEqualTo(700 * MS);
    }

    @Test
    void theClockMayStartAnywhere() {
        TokenBucket bucket = new TokenBucket(10);
        long now = Long.MAX_VALUE - 50 * MS; // System.nanoTime may be near overflow
        assertThat(bucket.reserve(now)).isZero();
        assertThat(bucket.reserve(now)).isEqualTo(100 * MS);
    }

    @Test
    void aRateMustBePositive() {
        assertThatThrownBy(() -> new TokenBucket(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
