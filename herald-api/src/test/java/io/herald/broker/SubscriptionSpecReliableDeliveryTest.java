package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriptionSpecReliableDeliveryTest {

    private static final String PATTERN = "{\"type\": [\"order.placed\"]}";

    /** A spec with every reliable-delivery setting away from its default, to change one at a time. */
    private static SubscriptionSpec custom() {
        return new SubscriptionSpec(Ordering.KEY, StartPosition.EARLIEST, Duration.ofSeconds(20), Optional.of(PATTERN),
                RetryPolicy.maxAttempts(3), Optional.of("orders.failed"), Duration.ofSeconds(5), 4, KeyAfterDeadLetter.PARK);
    }

    @Test
    void theDefaultsAreTheDefaultRetryPolicyThirtySecondLeasesSixteenAtOnceAndContinue() {
        SubscriptionSpec spec = SubscriptionSpec.defaults();

        assertThat(spec.filter()).isEmpty();
        assertThat(spec.retry()).isSameAs(RetryPolicy.DEFAULT);
        assertThat(spec.deadLetterTopic()).isEmpty();
        assertThat(spec.leaseDuration()).isEqualTo(Duration.ofSeconds(30)).isEqualTo(SubscriptionSpec.DEFAULT_LEASE);
        assertThat(spec.concurrency()).isEqualTo(16).isEqualTo(SubscriptionSpec.DEFAULT_CONCURRENCY);
        assertThat(spec.keyAfterDeadLetter()).isEqualTo(KeyAfterDeadLetter.CONTINUE);
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void orderingKeepsTheReliableDeliveryDefaults(Ordering ordering) {
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering);
        SubscriptionSpec d = SubscriptionSpec.defaults();

        assertThat(spec.retry()).isEqualTo(d.retry());
        assertThat(spec.leaseDuration()).isEqualTo(d.leaseDuration());
        assertThat(spec.concurrency()).isEqualTo(d.concurrency());
        assertThat(spec.keyAfterDeadLetter()).isEqualTo(d.keyAfterDeadLetter());
    }

    @Nested
    class Withers {

        private final SubscriptionSpec base = custom();

        @Test
        void filter() {
            String other = "{\"source\": [\"/shop\"]}";

            assertThat(base.filter(other)).isEqualTo(new SubscriptionSpec(Ordering.KEY, StartPosition.EARLIEST, Duration.ofSeconds(20),
                    Optional.of(other), RetryPolicy.maxAttempts(3), Optional.of("orders.failed"), Duration.ofSeconds(5), 4,
                    KeyAfterDeadLetter.PARK));
        }

        @Test
        void retry() {
            RetryPolicy other = RetryPolicy.DEFAULT.backoff(Duration.ofMillis(10), 3.0, Duration.ofSeconds(2));

            assertThat(base.retry(other)).isEqualTo(new SubscriptionSpec(Ordering.KEY, StartPosition.EARLIEST, Duration.ofSeconds(20),
                    Optional.of(PATTERN), other, Optional.of("orders.failed"), Duration.ofSeconds(5), 4, KeyAfterDeadLetter.PARK));
        }

        @Test
        void maxAttemptsChangesOnlyTheAttemptsOfTheRetryPolicy() {
            SubscriptionSpec spec = SubscriptionSpec.defaults()
                    .retry(RetryPolicy.DEFAULT.backoff(Duration.ofMillis(10), 3.0, Duration.ofSeconds(2)).permanent(IllegalArgumentException.class))
                    .maxAttempts(9);

            assertThat(spec.retry()).isEqualTo(new RetryPolicy(9, Duration.ofMillis(10), 3.0, Duration.ofSeconds(2),
                    java.util.Set.of(IllegalArgumentException.class.getName())));
            assertThat(spec.withOrdering(Ordering.PARTITION)).isEqualTo(SubscriptionSpec.defaults().retry(spec.retry()));
        }

        @Test
        void maxAttemptsIsValidated() {
            assertThatThrownBy(() -> SubscriptionSpec.defaults().maxAttempts(0))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("max attempts must be at least 1, got 0");
        }

        @Test
        void deadLetterTopic() {
            assertThat(base.deadLetterTopic("orders.poison")).isEqualTo(new SubscriptionSpec(Ordering.KEY, StartPosition.EARLIEST,
                    Duration.ofSeconds(20), Optional.of(PATTERN), RetryPolicy.maxAttempts(3), Optional.of("orders.poison"),
                    Duration.ofSeconds(5), 4, KeyAfterDeadLetter.PARK));
        }

        @Test
        void leaseDuration() {
            assertThat(base.leaseDuration(Duration.ofMinutes(2))).isEqualTo(new SubscriptionSpec(Ordering.KEY, StartPosition.EARLIEST,
                    Duration.ofSeconds(20), Optional.of(PATTERN), RetryPolicy.maxAttempts(3), Optional.of("orders.failed"),
                    Duration.ofMinutes(2), 4, KeyAfterDeadLetter.PARK));
        }

        @Test
        void concurrency() {
            assertThat(base.concurrency(64)).isEqualTo(new SubscriptionSpec(Ordering.KEY, StartPosition.EARLIEST,
                    Duration.ofSeconds(20), Optional.of(PATTERN), RetryPolicy.maxAttempts(3), Optional.of("orders.failed"),
                    Duration.ofSeconds(5), 64, KeyAfterDeadLetter.PARK));
        }

        @Test
        void keyAfterDeadLetter() {
            assertThat(base.keyAfterDeadLetter(KeyAfterDeadLetter.CONTINUE)).isEqualTo(new SubscriptionSpec(Ordering.KEY,
                    StartPosition.EARLIEST, Duration.ofSeconds(20), Optional.of(PATTERN), RetryPolicy.maxAttempts(3),
                    Optional.of("orders.failed"), Duration.ofSeconds(5), 4, KeyAfterDeadLetter.CONTINUE));
        }

        @Test
        void theOlderWithersKeepTheReliableDeliverySettings() {
            SubscriptionSpec spec = base.withOrdering(Ordering.NONE).startAt(StartPosition.LATEST).sessionTimeout(Duration.ofSeconds(1));

            assertThat(spec).isEqualTo(new SubscriptionSpec(Ordering.NONE, StartPosition.LATEST, Duration.ofSeconds(1),
                    Optional.of(PATTERN), RetryPolicy.maxAttempts(3), Optional.of("orders.failed"), Duration.ofSeconds(5), 4,
                    KeyAfterDeadLetter.PARK));
        }

        @Test
        void theBuiltSpecIsTheSameAsTheOneMadeByHand() {
            SubscriptionSpec built = SubscriptionSpec.ordering(Ordering.KEY)
                    .startAt(StartPosition.EARLIEST)
                    .sessionTimeout(Duration.ofSeconds(20))
                    .filter(PATTERN)
                    .retry(RetryPolicy.maxAttempts(3))
                    .deadLetterTopic("orders.failed")
                    .leaseDuration(Duration.ofSeconds(5))
                    .concurrency(4)
                    .keyAfterDeadLetter(KeyAfterDeadLetter.PARK);

            assertThat(built).isEqualTo(custom());
        }
    }

    @Nested
    class Validation {

        @Test
        void aLeaseOfTenMillisecondsIsTheShortestAccepted() {
            assertThat(SubscriptionSpec.defaults().leaseDuration(Duration.ofMillis(10)).leaseDuration())
                    .isEqualTo(SubscriptionSpec.MIN_LEASE);
        }

        @Test
        void aShorterLeaseIsRefusedNamingTheSettingAndValue() {
            assertThatThrownBy(() -> SubscriptionSpec.defaults().leaseDuration(Duration.ofMillis(9)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("lease duration must be at least 10 ms, got 9 ms");
            assertThatThrownBy(() -> SubscriptionSpec.defaults().leaseDuration(Duration.ZERO))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("lease duration must be at least 10 ms, got 0 ms");
            assertThatThrownBy(() -> SubscriptionSpec.defaults().leaseDuration(Duration.ofSeconds(-1)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("lease duration must be at least 10 ms, got -1000 ms");
        }

        @Test
        void aLeaseJustBelowTenMillisecondsIsRefused() {
            assertThatThrownBy(() -> SubscriptionSpec.defaults().leaseDuration(Duration.ofMillis(10).minusNanos(1)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("lease duration must be at least 10 ms");
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 10_000})
        void concurrencyFromOneToTenThousandIsAccepted(int concurrency) {
            assertThat(SubscriptionSpec.defaults().concurrency(concurrency).concurrency()).isEqualTo(concurrency);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 10_001, Integer.MAX_VALUE, Integer.MIN_VALUE})
        void concurrencyOutsideOneToTenThousandIsRefused(int concurrency) {
            assertThatThrownBy(() -> SubscriptionSpec.defaults().concurrency(concurrency))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("concurrency must be between 1 and 10000, got " + concurrency);
        }

        @Test
        void aBadFilterPatternIsRefusedWhenTheSpecIsMade() {
            assertThatThrownBy(() -> SubscriptionSpec.defaults().filter("{\"type\": \"order.placed\"}"))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("invalid event pattern {\"type\": \"order.placed\"}: ");
            assertThatThrownBy(() -> SubscriptionSpec.defaults().filter("{}"))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("an event pattern must be a non-empty JSON object");
            assertThatThrownBy(() -> SubscriptionSpec.defaults().filter(""))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageEndingWith("got nothing");
        }

        @Test
        void aGoodFilterIsKeptAsGiven() {
            String pattern = "{\"data\": {\"total\": [{\"numeric\": [\">=\", 1000]}]}}";

            assertThat(SubscriptionSpec.defaults().filter(pattern).filter()).contains(pattern);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "orders/failed", "orders failed", "__orders.dlq", "..", "."})
        void aBadDeadLetterTopicNameIsRefusedNamingTheTopic(String topic) {
            assertThatThrownBy(() -> SubscriptionSpec.defaults().deadLetterTopic(topic))
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageStartingWith("invalid topic name '");
        }

        @Test
        void aDeadLetterTopicNameLongerThan249CharactersIsRefused() {
            assertThat(SubscriptionSpec.defaults().deadLetterTopic("d".repeat(249)).deadLetterTopic()).contains("d".repeat(249));
            assertThatThrownBy(() -> SubscriptionSpec.defaults().deadLetterTopic("d".repeat(250)))
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageContaining("is 250 characters long; the limit is 249");
        }

        @Test
        void missingValuesAreRefusedNamingTheComponent() {
            SubscriptionSpec d = SubscriptionSpec.defaults();

            assertThatThrownBy(() -> d.retry(null)).isInstanceOf(NullPointerException.class).hasMessage("retry");
            assertThatThrownBy(() -> d.leaseDuration(null)).isInstanceOf(NullPointerException.class).hasMessage("leaseDuration");
            assertThatThrownBy(() -> d.keyAfterDeadLetter(null)).isInstanceOf(NullPointerException.class).hasMessage("keyAfterDeadLetter");
            assertThatThrownBy(() -> new SubscriptionSpec(Ordering.KEY, StartPosition.LATEST, Duration.ofSeconds(10), null,
                    RetryPolicy.DEFAULT, Optional.empty(), Duration.ofSeconds(30), 16, KeyAfterDeadLetter.CONTINUE))
                    .isInstanceOf(NullPointerException.class).hasMessage("filter");
            assertThatThrownBy(() -> new SubscriptionSpec(Ordering.KEY, StartPosition.LATEST, Duration.ofSeconds(10), Optional.empty(),
                    RetryPolicy.DEFAULT, null, Duration.ofSeconds(30), 16, KeyAfterDeadLetter.CONTINUE))
                    .isInstanceOf(NullPointerException.class).hasMessage("deadLetterTopic");
        }
    }

    @Nested
    class DeadLetterTopicFor {

        @Test
        void byDefaultItIsTheTopicThenTheSubscriptionThenDlq() {
            assertThat(SubscriptionSpec.defaults().deadLetterTopicFor("orders", "billing")).isEqualTo("orders.billing.dlq");
            assertThat(DeadLetters.defaultTopic("orders", "billing")).isEqualTo("orders.billing" + DeadLetters.SUFFIX);
        }

        @Test
        void theDefaultNameIsAValidTopicName() {
            String name = SubscriptionSpec.defaults().deadLetterTopicFor("shop-orders_v2", "billing.eu-1");

            assertThat(name).isEqualTo("shop-orders_v2.billing.eu-1.dlq");
            assertThat(Names.requireValidTopic(name)).isEqualTo(name);
        }

        @Test
        void aNamedDeadLetterTopicIsUsedAsItIs() {
            assertThat(SubscriptionSpec.defaults().deadLetterTopic("poison").deadLetterTopicFor("orders", "billing")).isEqualTo("poison");
        }

        @Test
        void aNamedDeadLetterTopicIsUsedEvenWhenTheDefaultWouldBeTooLong() {
            assertThat(SubscriptionSpec.defaults().deadLetterTopic("poison").deadLetterTopicFor("t".repeat(200), "s".repeat(200)))
                    .isEqualTo("poison");
        }

        @Test
        void aDefaultNameOfExactly249CharactersIsAccepted() {
            // topic + "." + subscription + ".dlq" = 120 + 1 + 124 + 4
            String name = SubscriptionSpec.defaults().deadLetterTopicFor("t".repeat(120), "s".repeat(124));

            assertThat(name).hasSize(249).endsWith("s.dlq");
            assertThat(Names.requireValidTopic(name)).isEqualTo(name);
        }

        @Test
        void aDefaultNameLongerThan249CharactersIsRefusedSayingToNameOne() {
            String topic = "t".repeat(120);

            assertThatThrownBy(() -> SubscriptionSpec.defaults().deadLetterTopicFor(topic, "s".repeat(125)))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("the default dead-letter topic name '" + "t".repeat(40) + "...' is longer than 249 characters; "
                            + "name one with SubscriptionSpec.deadLetterTopic(...)");
        }

        @Test
        void aValidTopicAndSubscriptionOfTheLongestNamesNeedANamedDeadLetterTopic() {
            String longest = "x".repeat(Names.MAX_LENGTH);

            assertThatThrownBy(() -> SubscriptionSpec.defaults().deadLetterTopicFor(longest, longest))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("name one with SubscriptionSpec.deadLetterTopic(...)");
            assertThat(SubscriptionSpec.defaults().deadLetterTopic("orders.dlq").deadLetterTopicFor(longest, longest))
                    .isEqualTo("orders.dlq");
        }
    }
}
