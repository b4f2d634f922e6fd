package io.herald.embedded.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.embedded.deadletter.DeadLetterSink;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15, item 8: a process killed after it wrote a dead letter and before the settlement of its
 * event reached the disk delivered the event again and dead-lettered it a second time. The intent
 * recorded before the write now tells the next process to look in the dead-letter topic first.
 * Each test leaves the stores as such a kill leaves them, then starts the dispatcher on them.
 */
class DeadLetterOnceTest {

    private static final String REASON = "failed 3 of 3 attempts";

    private static List<Event> events() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(Event.builder().id("e" + i).type("t").source("/once").partitionKey(i < 2 ? "a" : "b").data("x").build());
        }
        return events;
    }

    @ParameterizedTest(name = "dead letter written before the kill: {0}")
    @ValueSource(booleans = {true, false})
    void anEventWhoseDeadLetterWasBeingWrittenIsDeadLetteredOnceAndNeverDeliveredAgain(boolean writtenBeforeTheKill) throws Exception {
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST)
                .retry(RetryPolicy.maxAttempts(3)).leaseDuration(Duration.ofHours(1));
        try (DispatcherHarness harness = new DispatcherHarness(spec, events())) {
            String dlq = spec.deadLetterTopicFor(DispatcherHarness.TOPIC, DispatcherHarness.SUBSCRIPTION);
            DeadLetterSink sink = harness.deadLetterSink();
            Map<Integer, Long> ends = sink.ends(dlq, harness.topic());
            long t = harness.clock.millis();
            harness.states().recordFailure(DispatcherHarness.TOPIC, DispatcherHarness.SUBSCRIPTION, 0, 0,
                    new DeliveryStateStore.OffsetState(3, t, t, t, "java.lang.IllegalStateException", "boom", false, false)
                            .deadLettering(REASON, ends));
            if (writtenBeforeTheKill) {
                Event e0 = harness.topic().read(new Position(0, 0)).orElseThrow().event();
                sink.write(dlq, harness.topic(), e0, DispatcherHarness.SUBSCRIPTION, new Position(0, 0), 3, Instant.ofEpochMilli(t),
                        Instant.ofEpochMilli(t), "java.lang.IllegalStateException", "boom", REASON).join();
            }

            harness.crash();

            List<String> delivered = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Delivery d : harness.dispatcher().poll("c", 10, Duration.ZERO)) {
                    delivered.add(d.event().id());
                    d.ack();
                }
                return delivered.containsAll(List.of("e1", "e2"));
            });
            assertThat(delivered).as("e0 is never delivered again; its key's next event follows its dead letter")
                    .containsExactlyInAnyOrder("e1", "e2");
            harness.settle();
            assertThat(harness.everyDeadLetterWritten()).as("dead letters written, resolved or not").containsExactly("e0");
            assertThat(harness.deadLetters().list(io.herald.broker.DeadLetterSelector.all(), 10))
                    .singleElement().satisfies(d -> {
                        assertThat(d.attempts()).isEqualTo(3);
                        assertThat(d.reason()).isEqualTo(REASON);
                    });
        }
    }
}
