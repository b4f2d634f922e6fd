package io.herald.server.webhook;

import java.time.Duration;

/**
 * Whether calls may go to one destination. After {@code threshold} failed calls in a row it
 * opens: no call goes for {@code openFor}; then it lets one call through as a probe (half-open)
 * while the others keep waiting; the probe's success closes it, its failure opens it again.
 *
 * <pre>
 *            failure × threshold             openFor passed: first permit is the probe
 *  CLOSED ──────────────────────▶ OPEN(until) ─────────────────────────────▶ HALF_OPEN
 *    ▲  ▲                           ▲                                          │  │
 *    │  └─ success resets the count └──────────── probe failed ────────────────┘  │
 *    └──────────────────────────────────────────── probe succeeded ───────────────┘
 * </pre>
 *
 * Results of calls let through before it opened (a {@link Pass} that ends while it is open or
 * half-open) change nothing: only the probe decides. A probe whose caller gave up before calling
 * ({@link #abandoned}) hands the probe to the next caller.
 *
 * <p>Pure: the caller passes the time (nanoseconds of any monotonic clock) and a test drives it
 * by hand. Not thread-safe: {@link Destination} calls it under its lock.
 */
final class CircuitBreaker {

    /** Where the breaker is. */
    sealed interface State {
    }

    /** Calls go through; {@code failures} in a row so far. */
    record Closed(int failures) implements State {
    }

    /** No call goes until {@code until}. */
    record Open(long until) implements State {
    }

    /** One probe is out; the rest wait for its result. */
    record HalfOpen() implements State {
    }

    /** The answer to a caller that asks to call. */
    sealed interface Permit {
    }

    /** Call. */
    record Pass() implements Permit {
    }

    /** Call: you are the probe; your result opens or closes the breaker. */
    record Probe() implements Permit {
    }

    /** Do not call yet; ask again at {@code until} at the latest (or when the breaker changes). */
    record Wait(long until) implements Permit {
    }

    static final Pass PASS = new Pass();
    static final Probe PROBE = new Probe();

    private int threshold;
    private long openForNanos;
    private State state = new Closed(0);

    CircuitBreaker(int threshold, Duration openFor) {
        configure(threshold, openFor);
    }

    /** New settings; the state stays (a lower threshold takes effect at the next failure). */
    void configure(int threshold, Duration openFor) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        }
        if (openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("openFor must be positive, got " + openFor);
        }
        this.threshold = threshold;
        this.openForNanos = openFor.toNanos();
    }

    State state() {
        return state;
    }

    Permit permit(long now) {
        return switch (state) {
            case Closed c -> PASS;
            case Open open when now - open.until() >= 0 -> {
                state = new HalfOpen();
                yield PROBE;
            }
            case Open open -> new Wait(open.until());
            case HalfOpen h -> new Wait(now + openForNanos);
        };
    }

    void succeeded(Permit permit, long now) {
        if (permit instanceof Probe && state instanceof HalfOpen || state instanceof Closed) {
            state = new Closed(0);
        }
    }

    void failed(Permit permit, long now) {
        if (permit instanceof Probe && state instanceof HalfOpen) {
            state = new Open(now + openForNanos);
        } else if (state instanceof Closed closed) {
            int failures = closed.failures() + 1;
            state = failures >= threshold ? new Open(now + openForNanos) : new Closed(failures);
        }
    }

    /** The caller of a permit did not call (it was stopped while it waited for its rate slot). */
    void abandoned(Permit permit, long now) {
        if (permit instanceof Probe && state instanceof HalfOpen) {
            state = new Open(now);
        }
    }
}
