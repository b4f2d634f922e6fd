package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.RetryPolicy.Outcome;
import io.herald.error.InvalidSpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashSet;
import java.util.LongSummaryStatistics;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** A random source that always draws the largest value allowed: the delay is then the cap itself. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only bounded draws are expected");
        }

        @Override
        public long nextLong(long bound) {
            assertThat(bound).as("the bound of a jitter draw").isPositive();
            return bound - 1;
        }
    };

    /** A random source that always draws zero. */
    private static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    private static RetryPolicy policy(int maxAttempts, Duration initial, double multiplier, Duration max) {
        return new RetryPolicy(maxAttempts, initial, multiplier, max, Set.of());
    }

    // ---------------------------------------------------------------- validation

    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void fewerThanOneAttemptIsRefusedNamingTheSettingAndValue(int attempts) {
            assertThatThrownBy(() -> policy(attempts, SECOND, 2.0, MINUTE))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("max attempts must be at least 1, got " + attempts);
        }

        @Test
        void oneAttemptMeansNoRetriesAndIsAccepted() {
            assertThat(policy(1, SECOND, 2.0, MINUTE).maxAttempts()).isEqualTo(1);
        }

        @Test
        void aNegativeInitialBackoffIsRefused() {
            assertThatThrownBy(() -> policy(5, Duration.ofMillis(-1), 2.0, MINUTE))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("initial backoff must not be negative")
                    .hasMessageContaining("PT-0.001S");
        }

        @Test
        void aZeroInitialBackoffIsAccepted() {
            assertThat(policy(5, Duration.ZERO, 2.0, Duration.ZERO).initialBackoff()).isZero();
        }

        @ParameterizedTest
        @ValueSource(doubles = {0.999, 0.0, -2.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        void aMultiplierBelowOneOrNotAFiniteNumberIsRefused(double multiplier) {
            assertThatThrownBy(() -> policy(5, SECOND, multiplier, MINUTE))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("backoff multiplier must be a number >= 1, got " + multiplier);
        }

        @Test
        void aMultiplierOfOneMeansAConstantCapAndIsAccepted() {
            RetryPolicy constant = policy(5, SECOND, 1.0, MINUTE);

            assertThat(IntStream.rangeClosed(1, 10).mapToObj(a -> constant.backoff(a, HIGHEST))).containsOnly(SECOND);
        }

        @Test
        void aMaxBackoffBelowTheInitialOneIsRefusedNamingBoth() {
            assertThatThrownBy(() -> policy(5, Duration.ofSeconds(10), 2.0, Duration.ofSeconds(9)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("max backoff PT9S is less than the initial backoff PT10S");
        }

        @Test
        void aMaxBackoffEqualToTheInitialOneIsAccepted() {
            assertThat(policy(5, SECOND, 2.0, SECOND).maxBackoff()).isEqualTo(SECOND);
        }

        @Test
        void missingValuesAreRefusedNamingTheComponent() {
            assertThatThrownBy(() -> policy(5, null, 2.0, MINUTE)).isInstanceOf(NullPointerException.class).hasMessage("initialBackoff");
            assertThatThrownBy(() -> policy(5, SECOND, 2.0, null)).isInstanceOf(NullPointerException.class).hasMessage("maxBackoff");
            assertThatThrownBy(() -> new RetryPolicy(5, SECOND, 2.0, MINUTE, null))
                    .isInstanceOf(NullPointerException.class).hasMessage("permanentErrors");
        }

        @Test
        void theWithersValidateToo() {
            assertThatThrownBy(() -> RetryPolicy.DEFAULT.withMaxAttempts(0)).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("max attempts");
            assertThatThrownBy(() -> RetryPolicy.maxAttempts(-3)).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("max attempts");
            assertThatThrownBy(() -> RetryPolicy.DEFAULT.backoff(SECOND, 0.5, MINUTE)).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("backoff multiplier");
            assertThatThrownBy(() -> RetryPolicy.DEFAULT.backoff(MINUTE, 2.0, SECOND)).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("max backoff");
        }

        @Test
        void thePermanentErrorsAreCopiedAndCannotBeChangedAfterwards() {
            Set<String> names = new HashSet<>(Set.of(IllegalStateException.class.getName()));
            RetryPolicy p = new RetryPolicy(5, SECOND, 2.0, MINUTE, names);

            names.add(IllegalArgumentException.class.getName());

            assertThat(p.permanentErrors()).containsExactly(IllegalStateException.class.getName());
            assertThatThrownBy(() -> p.permanentErrors().add("x")).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    // ---------------------------------------------------------------- defaults and withers

    @Test
    void theDefaultIsFiveAttemptsFromOneSecondDoublingUpToAMinuteWithNoPermanentErrors() {
        assertThat(RetryPolicy.DEFAULT).isEqualTo(new RetryPolicy(5, SECOND, 2.0, MINUTE, Set.of()));
    }

    @Test
    void maxAttemptsIsTheDefaultWithAnotherNumberOfAttempts() {
        assertThat(RetryPolicy.maxAttempts(9)).isEqualTo(new RetryPolicy(9, SECOND, 2.0, MINUTE, Set.of()));
    }

    @Test
    void eachWitherChangesOnlyItsSettings() {
        RetryPolicy base = new RetryPolicy(3, Duration.ofMillis(200), 3.0, Duration.ofSeconds(20),
                Set.of(IllegalStateException.class.getName()));

        assertThat(base.withMaxAttempts(7)).isEqualTo(new RetryPolicy(7, Duration.ofMillis(200), 3.0, Duration.ofSeconds(20),
                Set.of(IllegalStateException.class.getName())));
        assertThat(base.backoff(Duration.ofMillis(50), 1.5, Duration.ofSeconds(5))).isEqualTo(new RetryPolicy(3,
                Duration.ofMillis(50), 1.5, Duration.ofSeconds(5), Set.of(IllegalStateException.class.getName())));
        assertThat(base.permanent(IllegalArgumentException.class, UncheckedIOException.class)).isEqualTo(new RetryPolicy(3,
                Duration.ofMillis(200), 3.0, Duration.ofSeconds(20), Set.of(IllegalStateException.class.getName(),
                IllegalArgumentException.class.getName(), UncheckedIOException.class.getName())));
        assertThat(base).as("the original is unchanged").isEqualTo(new RetryPolicy(3, Duration.ofMillis(200), 3.0,
                Duration.ofSeconds(20), Set.of(IllegalStateException.class.getName())));
    }

    @Test
    void permanentWithTheSameClassTwiceKeepsOneName() {
        RetryPolicy p = RetryPolicy.DEFAULT.permanent(IllegalStateException.class).permanent(IllegalStateException.class);

        assertThat(p.permanentErrors()).containsExactly(IllegalStateException.class.getName());
    }

    // ---------------------------------------------------------------- decide

    @Nested
    class Decide {

        // permanent(...) takes only Throwable classes: an interface is named through the constructor
        private final RetryPolicy policy = new RetryPolicy(3, SECOND, 2.0, MINUTE, Set.of(Unrecoverable.class.getName()))
                .permanent(IllegalArgumentException.class);
        private final RandomGenerator random = new SplittableRandom(42);

        @Test
        void aFailureBelowMaxAttemptsIsRetriedAfterTheBackoff() {
            Outcome first = policy.decide(1, new IllegalStateException("busy"), HIGHEST);
            Outcome second = policy.decide(2, new IllegalStateException("busy"), HIGHEST);

            assertThat(first).isEqualTo(new Outcome.Retry(SECOND));
            assertThat(second).isEqualTo(new Outcome.Retry(Duration.ofSeconds(2)));
        }

        @Test
        void theFailureAtMaxAttemptsIsDeadLetteredWithAReasonNamingTheCounts() {
            assertThat(policy.decide(3, new IllegalStateException("busy"), random))
                    .isEqualTo(new Outcome.DeadLetter("failed 3 of 3 attempts"));
        }

        @Test
        void aFailureBeyondMaxAttemptsIsDeadLetteredToo() {
            // a policy made smaller while deliveries were in flight
            assertThat(policy.decide(8, new IllegalStateException("busy"), random))
                    .isEqualTo(new Outcome.DeadLetter("failed 8 of 3 attempts"));
        }

        @Test
        void withOneAttemptTheFirstFailureIsDeadLettered() {
            assertThat(RetryPolicy.maxAttempts(1).decide(1, new IllegalStateException(), random))
                    .isEqualTo(new Outcome.DeadLetter("failed 1 of 1 attempts"));
        }

        @Test
        void aPermanentErrorIsDeadLetteredAtOnceNamingItsClass() {
            assertThat(policy.decide(1, new IllegalArgumentException("bad total"), random))
                    .isEqualTo(new Outcome.DeadLetter("permanent error java.lang.IllegalArgumentException"));
        }

        @Test
        void aPermanentErrorAtMaxAttemptsIsReportedAsPermanent() {
            assertThat(policy.decide(3, new IllegalArgumentException(), random))
                    .isEqualTo(new Outcome.DeadLetter("permanent error java.lang.IllegalArgumentException"));
        }

        @Test
        void aSubclassOfAPermanentErrorIsPermanentAndTheReasonNamesTheActualClass() {
            // NumberFormatException extends IllegalArgumentException
            assertThat(policy.decide(1, new NumberFormatException("x"), random))
                    .isEqualTo(new Outcome.DeadLetter("permanent error java.lang.NumberFormatException"));
            assertThat(policy.decide(1, new BadPayload.Worse(), random))
                    .isEqualTo(new Outcome.DeadLetter("permanent error " + BadPayload.Worse.class.getName()));
        }

        @Test
        void aClassImplementingAPermanentInterfaceIsPermanent() {
            assertThat(policy.decide(1, new BadPayload(), random))
                    .isEqualTo(new Outcome.DeadLetter("permanent error " + BadPayload.class.getName()));
        }

        @Test
        void aClassImplementingASubinterfaceOfAPermanentInterfaceIsPermanent() {
            assertThat(policy.isPermanent(new SchemaViolation())).isTrue();
            assertThat(policy.decide(1, new SchemaViolation(), random)).isInstanceOf(Outcome.DeadLetter.class);
        }

        @Test
        void aSuperclassOfAPermanentErrorIsNotPermanent() {
            assertThat(policy.isPermanent(new RuntimeException())).isFalse();
            assertThat(policy.decide(1, new RuntimeException(), random)).isInstanceOf(Outcome.Retry.class);
        }

        @Test
        void anUnrelatedErrorIsNotPermanent() {
            assertThat(policy.isPermanent(new IOException())).isFalse();
            assertThat(policy.isPermanent(new UncheckedIOException(new IOException()))).isFalse();
        }

        @Test
        void theCauseOfAFailureDoesNotMakeItPermanent() {
            assertThat(policy.isPermanent(new IllegalStateException(new IllegalArgumentException()))).isFalse();
        }

        @Test
        void withNoPermanentErrorsNothingIsPermanent() {
            assertThat(RetryPolicy.DEFAULT.isPermanent(new IllegalArgumentException())).isFalse();
            assertThat(RetryPolicy.DEFAULT.isPermanent(new Error())).isFalse();
        }

        @Test
        void aNullFailureIsNeverPermanentEvenWhenEveryThrowableIs() {
            RetryPolicy everything = RetryPolicy.maxAttempts(3).permanent(Throwable.class);

            assertThat(everything.isPermanent(new IllegalStateException())).isTrue();
            assertThat(everything.decide(1, null, HIGHEST)).isEqualTo(new Outcome.Retry(SECOND));
            assertThat(everything.decide(2, null, HIGHEST)).isEqualTo(new Outcome.Retry(Duration.ofSeconds(2)));
            assertThat(everything.decide(3, null, HIGHEST)).isEqualTo(new Outcome.DeadLetter("failed 3 of 3 attempts"));
        }
    }

    interface Unrecoverable {
    }

    interface SchemaProblem extends Unrecoverable {
    }

    static class BadPayload extends RuntimeException implements Unrecoverable {
        static class Worse extends BadPayload {
        }
    }

    static class SchemaViolation extends RuntimeException implements SchemaProblem {
    }

    // ---------------------------------------------------------------- backoff

    @Nested
    class Backoff {

        @Test
        void theCapDoublesFromOneSecondAndStopsAtTheMaximum() {
            assertThat(IntStream.rangeClosed(1, 10).mapToObj(a -> RetryPolicy.DEFAULT.backoff(a, HIGHEST)))
                    .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                            Duration.ofSeconds(16), Duration.ofSeconds(32), MINUTE, MINUTE, MINUTE, MINUTE);
        }

        @Test
        void theLowestDelayIsZero() {
            assertThat(IntStream.rangeClosed(1, 10).mapToObj(a -> RetryPolicy.DEFAULT.backoff(a, LOWEST))).containsOnly(Duration.ZERO);
        }

        @Test
        void aZeroInitialBackoffRetriesAtOnceWithoutDrawing() {
            RetryPolicy immediate = policy(5, Duration.ZERO, 2.0, MINUTE);

            assertThat(IntStream.rangeClosed(1, 20).mapToObj(a -> immediate.backoff(a, new SplittableRandom(a))))
                    .containsOnly(Duration.ZERO);
        }

        @Test
        void anAttemptBelowOneIsTreatedAsTheFirst() {
            assertThat(RetryPolicy.DEFAULT.backoff(0, HIGHEST)).isEqualTo(SECOND);
            assertThat(RetryPolicy.DEFAULT.backoff(-5, HIGHEST)).isEqualTo(SECOND);
        }

        @Test
        void aVeryHighAttemptStaysAtTheMaximum() {
            assertThat(RetryPolicy.DEFAULT.backoff(Integer.MAX_VALUE, HIGHEST)).isEqualTo(MINUTE);
            assertThat(policy(5, Duration.ofNanos(1), 1e300, MINUTE).backoff(3, HIGHEST)).isEqualTo(MINUTE);
        }

        @Test
        void theCapIsExactToTheNanosecond() {
            RetryPolicy p = policy(5, Duration.ofNanos(3), 1.5, Duration.ofSeconds(1));

            assertThat(p.backoff(1, HIGHEST)).isEqualTo(Duration.ofNanos(3));
            assertThat(p.backoff(2, HIGHEST)).isEqualTo(Duration.ofNanos(4)); // 4.5 truncated
            assertThat(p.backoff(3, HIGHEST)).isEqualTo(Duration.ofNanos(6)); // 6.75 truncated
        }

        @Test
        void theJitterGivesManyDistinctDelays() {
            RandomGenerator random = new SplittableRandom(7);
            Set<Duration> delays = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                delays.add(RetryPolicy.DEFAULT.backoff(5, random));
            }

            assertThat(delays).hasSizeGreaterThan(190);
            assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(16)));
        }

        @Test
        void theJitterIsSpreadOverTheWholeRange() {
            RandomGenerator random = new SplittableRandom(11);
            long cap = Duration.ofSeconds(16).toNanos();
            LongSummaryStatistics stats = IntStream.range(0, 5_000)
                    .mapToLong(i -> RetryPolicy.DEFAULT.backoff(5, random).toNanos())
                    .summaryStatistics();

            assertThat(stats.getMin()).isLessThan(cap / 20);
            assertThat(stats.getMax()).isGreaterThan(cap - cap / 20);
            assertThat(stats.getAverage()).isBetween(cap * 0.45, cap * 0.55);
        }

        @Test
        void theSameSeedGivesTheSameDelays() {
            assertThat(IntStream.rangeClosed(1, 8).mapToObj(a -> RetryPolicy.DEFAULT.backoff(a, new SplittableRandom(99))))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 8)
                            .mapToObj(a -> RetryPolicy.DEFAULT.backoff(a, new SplittableRandom(99))).toList());
        }
    }

    // ---------------------------------------------------------------- properties

    @Property
    void theDefaultDelayIsFullJitterUnderTheExactCap(@ForAll @IntRange(min = 1, max = 50) int attempt, @ForAll long seed) {
        BigInteger exactCap = BigInteger.valueOf(SECOND.toNanos()).shiftLeft(attempt - 1).min(BigInteger.valueOf(MINUTE.toNanos()));

        Duration delay = RetryPolicy.DEFAULT.backoff(attempt, new SplittableRandom(seed));

        assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(BigInteger.valueOf(delay.toNanos())).isLessThanOrEqualTo(exactCap);
    }

    @Property
    void anyPolicysDelayIsWithinZeroAndItsCap(@ForAll("policies") RetryPolicy policy,
                                              @ForAll @IntRange(min = 1, max = 50) int attempt, @ForAll long seed) {
        BigDecimal exactCap = new BigDecimal(policy.initialBackoff().toNanos())
                .multiply(BigDecimal.valueOf(policy.multiplier()).pow(attempt - 1))
                .min(new BigDecimal(policy.maxBackoff().toNanos()));
        // the policy works the cap out in doubles: allow their rounding, a part in 10^12
        BigDecimal allowed = exactCap.multiply(new BigDecimal("1.000000000001")).add(BigDecimal.ONE);

        Duration delay = policy.backoff(attempt, new SplittableRandom(seed));

        assertThat(delay).isGreaterThanOrEqualTo(Duration.ZERO).isLessThanOrEqualTo(policy.maxBackoff());
        assertThat(new BigDecimal(delay.toNanos())).isLessThanOrEqualTo(allowed);
    }

    @Property
    void theCapNeverShrinksFromOneAttemptToTheNextAndEndsAtTheMaximum(@ForAll("policies") RetryPolicy policy,
                                                                      @ForAll @IntRange(min = 1, max = 49) int attempt) {
        Duration cap = policy.backoff(attempt, HIGHEST);
        Duration next = policy.backoff(attempt + 1, HIGHEST);

        assertThat(next).isGreaterThanOrEqualTo(cap);
        if (policy.multiplier() > 1.0 && policy.initialBackoff().toNanos() > 0 && cap.compareTo(policy.maxBackoff()) < 0
                && cap.toNanos() * (policy.multiplier() - 1.0) >= 2.0) {
            assertThat(next).as("below the maximum the cap grows").isGreaterThan(cap);
        }
        if (policy.initialBackoff().toNanos() > 0 && policy.multiplier() >= 2.0) {
            // 2^62 ns is far past any maximum drawn here
            assertThat(policy.backoff(64, HIGHEST)).isEqualTo(policy.maxBackoff());
        }
    }

    @Property
    void decideRetriesBelowMaxAttemptsAndDeadLettersFromThere(@ForAll("policies") RetryPolicy policy,
                                                              @ForAll @IntRange(min = 1, max = 60) int attempt, @ForAll long seed) {
        Outcome outcome = policy.decide(attempt, new IllegalStateException("transient"), new SplittableRandom(seed));

        switch (outcome) {
            case Outcome.Retry retry -> {
                assertThat(attempt).isLessThan(policy.maxAttempts());
                assertThat(retry.delay()).isEqualTo(policy.backoff(attempt, new SplittableRandom(seed)));
            }
            case Outcome.DeadLetter deadLetter -> {
                assertThat(attempt).isGreaterThanOrEqualTo(policy.maxAttempts());
                assertThat(deadLetter.reason()).isEqualTo("failed " + attempt + " of " + policy.maxAttempts() + " attempts");
            }
        }
    }

    @Property
    void aRetryAfterHintIsNeverCutShortAndNeverOutlastsTheMaximum(@ForAll("policies") RetryPolicy policy,
                                                                  @ForAll @IntRange(min = 1, max = 19) int attempt,
                                                                  @ForAll @IntRange(min = 0, max = 200_000) int hintSeconds,
                                                                  @ForAll long seed) {
        Duration hint = Duration.ofSeconds(hintSeconds);
        Outcome outcome = policy.decide(attempt, new RetryAfterException("HTTP 429", hint), new SplittableRandom(seed));

        if (attempt >= policy.maxAttempts()) {
            assertThat(outcome).isInstanceOf(Outcome.DeadLetter.class);
            return;
        }
        Duration backoff = policy.backoff(attempt, new SplittableRandom(seed));
        Duration expected = hint.compareTo(backoff) > 0 ? (hint.compareTo(RetryPolicy.MAX_BACKOFF) > 0 ? RetryPolicy.MAX_BACKOFF : hint) : backoff;
        assertThat(outcome).isEqualTo(new Outcome.Retry(expected));
    }

    @Test
    void aRetryAfterHintStillCountsAsAnAttempt() {
        RetryPolicy policy = RetryPolicy.maxAttempts(2);
        assertThat(policy.decide(2, new RetryAfterException("HTTP 503", Duration.ofSeconds(5)), new SplittableRandom(1)))
                .isEqualTo(new Outcome.DeadLetter("failed 2 of 2 attempts"));
    }

    @Provide
    Arbitrary<RetryPolicy> policies() {
        Arbitrary<Integer> attempts = Arbitraries.integers().between(1, 20);
        Arbitrary<Long> initialNanos = Arbitraries.longs().between(0, Duration.ofSeconds(10).toNanos());
        Arbitrary<Double> multipliers = Arbitraries.oneOf(Arbitraries.of(1.0, 1.5, 2.0, 3.0, 10.0),
                Arbitraries.doubles().between(1.0, 10.0));
        Arbitrary<Long> extraNanos = Arbitraries.longs().between(0, Duration.ofHours(1).toNanos());
        return Combinators.combine(attempts, initialNanos, multipliers, extraNanos).as((a, initial, m, extra) ->
                new RetryPolicy(a, Duration.ofNanos(initial), m, Duration.ofNanos(initial + extra), Set.of()));
    }
}
