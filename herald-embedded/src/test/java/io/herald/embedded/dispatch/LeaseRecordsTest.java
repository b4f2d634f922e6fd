package io.herald.embedded.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Acked leases do not pile up until their deadline: memory follows the leases out, not the ack rate. */
class LeaseRecordsTest {

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void endedLeasesAreForgottenLongBeforeTheirDeadline(Ordering ordering) throws Exception {
        int count = 20_000;
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.builder().id("e" + i).type("t").source("/leases").partitionKey("k" + (i % 500)).data("x").build());
        }
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).leaseDuration(Duration.ofHours(1));
        try (DispatcherHarness harness = new DispatcherHarness(spec, events)) {
            // the first lease stays out the whole time: the ended ones queue up behind it
            Delivery held = harness.dispatcher().poll("c", 1, Duration.ZERO).getFirst();
            int acked = 1;
            int maxRecords = 0;
            while (acked < count) {
                List<Delivery> batch = harness.dispatcher().poll("c", 100, Duration.ZERO);
                if (batch.isEmpty()) {
                    break; // KEY: what is left belongs to the held key
                }
                for (Delivery d : batch) {
                    d.ack();
                    acked++;
                }
                maxRecords = Math.max(maxRecords, harness.dispatcher().leaseRecords());
            }
            assertThat(acked).as("acked around the held lease").isGreaterThan(count * 9 / 10);
            held.ack();
            assertThat(maxRecords).as("lease records held at most, for %d acks of one-hour leases", count).isLessThan(2_000);
        }
    }
}
