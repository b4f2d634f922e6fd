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

/**
 * Issue 15: a KEY subscriber killed while handling made 2.4 handler calls per event, because an
 * ack above the cursor (behind an event still out) reached the disk only on a clean close. Now
 * the offsets finished above the cursor are committed with it, on the cursor's cadence.
 */
class AcksAboveTheCursorTest {

    private static List<Event> events(int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.builder().id("e" + i).type("t").source("/acks").partitionKey("k" + i).data("x").build());
        }
        return events;
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void eventsAckedBehindOneStillOutAreNotDeliveredAgainAfterACrash(Ordering ordering) throws Exception {
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).leaseDuration(Duration.ofHours(1));
        try (DispatcherHarness harness = new DispatcherHarness(spec, events(10))) {
            List<Delivery> out = harness.dispatcher().poll("c", 10, Duration.ZERO);
            assertThat(out).hasSize(10);
            for (Delivery d : out.subList(1, 10)) {
                d.ack(); // e1..e9 done; e0 still out, so the cursor stays at 0
            }
            harness.clock.advance(Dispatcher.CURSOR_HANDOVER_MILLIS);
            harness.dispatcher().poll("c", 10, Duration.ZERO); // the next poll hands the cursor to the store
            assertThat(harness.cursor()).isZero();

            harness.crash();

            List<String> again = harness.dispatcher().poll("c", 10, Duration.ZERO).stream().map(d -> d.event().id()).toList();
            assertThat(again).containsExactly("e0"); // its lease died with the process; the acked ones stay done
            harness.dispatcher().poll("c", 10, Duration.ZERO).forEach(Delivery::ack);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void onceTheCursorPassesThemTheFinishedOffsetsAreForgotten(Ordering ordering) throws Exception {
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).leaseDuration(Duration.ofHours(1));
        try (DispatcherHarness harness = new DispatcherHarness(spec, events(5))) {
            List<Delivery> out = harness.dispatcher().poll("c", 5, Duration.ZERO);
            out.subList(1, 5).forEach(Delivery::ack);
            out.getFirst().ack();
            harness.clock.advance(Dispatcher.CURSOR_HANDOVER_MILLIS);
            harness.dispatcher().poll("c", 5, Duration.ZERO);
            assertThat(harness.cursor()).isEqualTo(5);

            harness.crash();

            assertThat(harness.dispatcher().poll("c", 5, Duration.ZERO)).isEmpty();
            assertThat(harness.cursor()).isEqualTo(5);
        }
    }
}
