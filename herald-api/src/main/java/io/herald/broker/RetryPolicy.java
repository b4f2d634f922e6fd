package io.herald.broker;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * What a subscription does with a failed delivery: try again after an exponential backoff with
 * full jitter (a random delay between zero and {@code min(maxBackoff, initialBackoff x
 * multiplier^(attempt-1))}, so that failing consumers do not retry in lock step), until
 * {@code maxAttempts} deliveries have failed or the error is permanent; then dead-letter it.
 *
 * @param maxAttempts     deliveries in all, the first included; 1 means no retries
 * @param permanentErrors names of exception classes (or their superclasses or interfaces) that
 *                        no retry can cure: such a failure is dead-lettered at once
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
                          Set<String> permanentErrors) {

    /** No backoff is longer: a retry a day later is a redrive, not a retry. (Declared first: DEFAULT's constructor reads it.) */
    public static final Duration MAX_BACKOFF = Duration.ofDays(1);
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), Set.of());

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        permanentErrors = Set.copyOf(Objects.requireNonNull(permanentErrors, "permanentErrors"));
        if (maxAttempts < 1) {
            throw new InvalidSpecException("max attempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new InvalidSpecException("initial backoff must not be negative, got " + initialBackoff);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new InvalidSpecException("backoff multiplier must be a number >= 1, got " + multiplier);
        }
        if (maxBackoff.compareTo(MAX_BACKOFF) > 0) {
            throw new InvalidSpecException("max backoff must be at most " + MAX_BACKOFF + ", got " + maxBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidSpecException("max backoff " + maxBackoff + " is less than the initial backoff " + initialBackoff);
        }
    }

    /** The default policy with another number of attempts. */
    public static RetryPolicy maxAttempts(int maxAttempts) {
        return DEFAULT.withMaxAttempts(maxAttempts);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, multiplier, maxBackoff, permanentErrors);
    }

    public RetryPolicy backoff(Duration initial, double factor, Duration max) {
        return new RetryPolicy(maxAttempts, initial, factor, max, permanentErrors);
    }

    /** Errors no retry can cure: exception classes, or interfaces that exceptions implement. */
    public RetryPolicy permanent(Class<?>... errors) {
        Set<String> names = new HashSet<>(permanentErrors);
        for (Class<?> error : errors) {
            if (!error.isInterface() && !Throwable.class.isAssignableFrom(error)) {
                throw new InvalidSpecException(error.getName() + " is neither an exception class nor an interface");
            }
            names.add(error.getName());
        }
        return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, names);
    }

    /**
     * What to do after delivery number {@code attempt} failed with {@code failure} (null: no
     * exception, such as an expired lease). A {@link RetryAfterException} is retried no sooner
     * than it asks (at most {@link #MAX_BACKOFF}).
     */
    public Outcome decide(int attempt, Throwable failure, RandomGenerator random) {
        if (failure != null && isPermanent(failure)) {
            return new Outcome.DeadLetter("permanent error " + failure.getClass().getName());
        }
        if (attempt >= maxAttempts) {
            return new Outcome.DeadLetter("failed " + attempt + " of " + maxAttempts + " attempts");
        }
        Duration delay = backoff(attempt, random);
        if (failure instanceof RetryAfterException hint && hint.retryAfter().compareTo(delay) > 0) {
            // the failing service said when it can take the event again: sooner would fail again
            delay = hint.retryAfter().compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : hint.retryAfter();
        }
        return new Outcome.Retry(delay);
    }

    /** The delay after failed attempt number {@code attempt}: full jitter under the exponential cap. */
    public Duration backoff(int attempt, RandomGenerator random) {
        double cap = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
        long capNanos = (long) Math.min(cap, (double) maxBackoff.toNanos());
        return capNanos <= 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(capNanos + 1));
    }

    public boolean isPermanent(Throwable failure) {
        if (permanentErrors.isEmpty()) {
            return false;
        }
        for (Class<?> c = failure.getClass(); c != null; c = c.getSuperclass()) {
            if (permanentErrors.contains(c.getName()) || implementsPermanent(c)) {
                return true;
            }
        }
        return false;
    }

    private boolean implementsPermanent(Class<?> type) {
        for (Class<?> i : type.getInterfaces()) {
            if (permanentErrors.contains(i.getName()) || implementsPermanent(i)) {
                return true;
            }
        }
        return false;
    }

    /** The decision after a failure. */
    public sealed interface Outcome {
        record Retry(Duration delay) implements Outcome {
        }

        record DeadLetter(String reason) implements Outcome {
        }
    }
}
