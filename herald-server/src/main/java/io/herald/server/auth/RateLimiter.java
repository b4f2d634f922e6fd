package io.herald.server.auth;

import io.herald.http.Problem;
import io.herald.http.ProblemException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per second per caller, as a token bucket per key: a burst of up to one second's
 * worth passes, then requests pass at the rate; one over it is a 429 problem with
 * {@code Retry-After}. Buckets of callers that went quiet are dropped, so client addresses
 * cannot grow the map without bound. Thread-safe.
 */
public final class RateLimiter {

    private static final int MAX_BUCKETS = 100_000;

    private final double perSecond;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
    }

    /** Counts one request of {@code key}; throws a 429 problem when it is over the rate. */
    public void acquire(String key) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_BUCKETS) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perSecond, now));
        double wait = bucket.take(now);
        if (wait > 0) {
            long seconds = Math.max(1, (long) Math.ceil(wait));
            throw new ProblemException(Problem.of(429, "rate-limited", "Too many requests", "more than " + perSecond
                    + " requests per second from this caller; retry after " + seconds + " s").with("retryAfterSeconds", seconds));
        }
    }

    private static final class Bucket {
        private final double rate;
        private double tokens;
        private long last;

        Bucket(double rate, long now) {
            this.rate = rate;
            this.tokens = Math.max(1, rate);
            this.last = now;
        }

        /** Takes a token; returns 0, or the seconds until one is there (none is taken then). */
        synchronized double take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / rate;
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= Math.max(1, rate);
        }

        private void refill(long now) {
            tokens = Math.min(Math.max(1, rate), tokens + (now - last) / 1e9 * rate);
            last = now;
        }
    }
}
