package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ReliableDeliveryLimitsTest {

    interface Unrecoverable {
    }

    static final class FatalError extends RuntimeException implements Unrecoverable {
    }

    @Test
    void aBackoffLongerThanADayIsRefusedWhenThePolicyIsMade() {
        assertThatThrownBy(() -> RetryPolicy.DEFAULT.backoff(Duration.ofSeconds(1), 2, Duration.ofDays(365 * 300)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("max backoff");
        RetryPolicy longest = RetryPolicy.DEFAULT.backoff(Duration.ofSeconds(1), 2, RetryPolicy.MAX_BACKOFF);
        assertThat(longest.backoff(80, RandomGenerator.of("L64X128MixRandom"))).isLessThanOrEqualTo(RetryPolicy.MAX_BACKOFF);
    }

    @Test
    void anInterfaceCanMarkErrorsPermanent() {
        RetryPolicy policy = RetryPolicy.DEFAULT.permanent(Unrecoverable.class);
        assertThat(policy.decide(1, new FatalError(), RandomGenerator.of("L64X128MixRandom")))
                .isInstanceOf(RetryPolicy.Outcome.DeadLetter.class);
        assertThatThrownBy(() -> RetryPolicy.DEFAULT.permanent(String.class))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("java.lang.String");
    }

    @Test
    void aSubscriptionCannotDeadLetterIntoItsOwnTopic() {
        SubscriptionSpec spec = SubscriptionSpec.defaults().deadLetterTopic("orders");
        assertThatThrownBy(() -> spec.deadLetterTopicFor("orders", "billing"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("own topic");
        assertThat(spec.deadLetterTopicFor("payments", "billing")).isEqualTo("orders");
    }
}
