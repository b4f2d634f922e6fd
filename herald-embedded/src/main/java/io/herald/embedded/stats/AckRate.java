package io.herald.embedded.stats;

import java.time.Clock;

/** Acks per second over the last minute, in one-second buckets. Thread-safe. */
public final class AckRate {

    private static final int SECONDS = 60;

    private final Clock clock;
    private final long[] buckets = new long[SECONDS];
    private long bucketSecond;

    public AckRate(Clock clock) {
        this.clock = clock;
        this.bucketSecond = clock.millis() / 1000;
    }

    public synchronized void record() {
        roll();
        buckets[(int) (bucketSecond % SECONDS)]++;
    }

    public synchronized double perSecond() {
        roll();
        long sum = 0;
        for (long b : buckets) {
            sum += b;
        }
        return sum / (double) SECONDS;
    }

    private void roll() {
        long now = clock.millis() / 1000;
        for (long s = bucketSecond + 1; s <= now && s <= bucketSecond + SECONDS; s++) {
            buckets[(int) (s % SECONDS)] = 0;
        }
        bucketSecond = Math.max(bucketSecond, now);
    }
}
