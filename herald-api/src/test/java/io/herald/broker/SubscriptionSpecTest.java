package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SubscriptionSpecTest {

    @Test
    void theDefaultsArePartitionOrderFromTheLatestEventWithATenSecondSession() {
        SubscriptionSpec spec = SubscriptionSpec.defaults();

        assertThat(spec.ordering()).isEqualTo(Ordering.PARTITION);
        assertThat(spec.start()).isSameAs(StartPosition.LATEST);
        assertThat(spec.sessionTimeout()).isEqualTo(Duration.ofSeconds(10)).isEqualTo(SubscriptionSpec.DEFAULT_SESSION_TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void orderingStartsFromTheDefaultsWithThatOrdering(Ordering ordering) {
        assertThat(SubscriptionSpec.ordering(ordering)).isEqualTo(SubscriptionSpec.defaults().withOrdering(ordering));
        assertThat(SubscriptionSpec.ordering(ordering).ordering()).isEqualTo(ordering);
    }

    @Test
    void eachStepChangesOnlyItsSetting() {
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY)
                .startAt(StartPosition.EARLIEST)
                .sessionTimeout(Duration.ofSeconds(30));

        SubscriptionSpec d = SubscriptionSpec.defaults();
        assertThat(spec).isEqualTo(new SubscriptionSpec(Ordering.KEY, StartPosition.EARLIEST, Duration.ofSeconds(30), d.filter(),
                d.retry(), d.deadLetterTopic(), d.leaseDuration(), d.concurrency(), d.keyAfterDeadLetter()));
        assertThat(spec.withOrdering(Ordering.NONE)).isEqualTo(new SubscriptionSpec(Ordering.NONE, StartPosition.EARLIEST,
                Duration.ofSeconds(30), d.filter(), d.retry(), d.deadLetterTopic(), d.leaseDuration(), d.concurrency(), d.keyAfterDeadLetter()));
    }

    @Test
    void aSessionTimeoutOf100MillisecondsIsTheShortestAccepted() {
        assertThat(SubscriptionSpec.defaults().sessionTimeout(Duration.ofMillis(100)).sessionTimeout())
                .isEqualTo(SubscriptionSpec.MIN_SESSION_TIMEOUT);
    }

    @Test
    void aShorterSessionTimeoutIsRefusedNamingTheSettingAndValue() {
        assertThatThrownBy(() -> SubscriptionSpec.defaults().sessionTimeout(Duration.ofMillis(99)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("session timeout must be at least 100 ms, got 99 ms");
    }

    @Test
    void aNegativeSessionTimeoutIsRefused() {
        assertThatThrownBy(() -> SubscriptionSpec.defaults().sessionTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("session timeout must be at least 100 ms, got -1000 ms");
    }

    @Test
    void missingValuesAreRefusedNamingTheComponent() {
        assertThatThrownBy(() -> SubscriptionSpec.ordering(null))
                .isInstanceOf(NullPointerException.class).hasMessage("ordering");
        assertThatThrownBy(() -> SubscriptionSpec.defaults().startAt(null))
                .isInstanceOf(NullPointerException.class).hasMessage("start");
        assertThatThrownBy(() -> SubscriptionSpec.defaults().sessionTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessage("sessionTimeout");
    }
}
