package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeadLetterSelectorTest {

    private static final Instant FIRST = Instant.parse("2026-03-14T15:00:00Z");
    private static final Instant LAST = Instant.parse("2026-03-14T15:05:00Z");

    private static DeadLetter deadLetter(int partition, long offset, Event event) {
        return new DeadLetter(new Position(partition, offset), event, "orders", "billing", new Position(partition, offset * 10),
                5, FIRST, LAST, Optional.of(IllegalStateException.class.getName()), Optional.of("busy"), "failed 5 of 5 attempts");
    }

    private static Event event(String type, String json) {
        return Event.builder().source("/shop/orders").type(type).json(json).build();
    }

    private static final DeadLetter PLACED_BIG = deadLetter(0, 0, event("order.placed", "{\"total\": 5000, \"region\": \"eu-west-1\"}"));
    private static final DeadLetter PLACED_SMALL = deadLetter(0, 1, event("order.placed", "{\"total\": 20, \"region\": \"us-east-1\"}"));
    private static final DeadLetter PAID = deadLetter(0, 2, event("order.paid", "{\"total\": 5000, \"region\": \"eu-west-1\"}"));
    private static final DeadLetter OTHER_PARTITION = deadLetter(1, 1, event("order.placed", "{\"total\": 7000}"));
    private static final DeadLetter REJECTED = new DeadLetter(new Position(2, 40),
            Event.builder().source("/shop/orders").type("order.placed").data("not json").dataContentType("text/plain").build(),
            "orders", "billing", new Position(2, 400), 1, FIRST, FIRST, Optional.empty(), Optional.empty(), "bad currency");

    private static final List<DeadLetter> ALL = List.of(PLACED_BIG, PLACED_SMALL, PAID, OTHER_PARTITION, REJECTED);

    private static List<DeadLetter> selected(DeadLetterSelector selector) {
        return ALL.stream().filter(selector::selects).toList();
    }

    @Test
    void allSelectsEveryDeadLetter() {
        assertThat(DeadLetterSelector.all()).isInstanceOf(DeadLetterSelector.All.class).isEqualTo(new DeadLetterSelector.All());
        assertThat(selected(DeadLetterSelector.all())).containsExactlyElementsOf(ALL);
    }

    @Nested
    class Matching {

        @Test
        void anAttributePatternSelectsByTheOriginalEvent() {
            assertThat(selected(DeadLetterSelector.matching("{\"type\": [\"order.placed\"]}")))
                    .containsExactly(PLACED_BIG, PLACED_SMALL, OTHER_PARTITION, REJECTED);
            assertThat(selected(DeadLetterSelector.matching("{\"type\": [\"order.paid\"]}"))).containsExactly(PAID);
        }

        @Test
        void aDataPatternSelectsByTheOriginalEventsData() {
            assertThat(selected(DeadLetterSelector.matching("{\"data\": {\"total\": [{\"numeric\": [\">=\", 1000]}]}}")))
                    .containsExactly(PLACED_BIG, PAID, OTHER_PARTITION);
            assertThat(selected(DeadLetterSelector.matching(
                    "{\"type\": [\"order.placed\"], \"data\": {\"region\": [{\"prefix\": \"eu-\"}]}}")))
                    .containsExactly(PLACED_BIG);
        }

        @Test
        void aPatternThatMatchesNothingSelectsNothing() {
            assertThat(selected(DeadLetterSelector.matching("{\"type\": [\"order.shipped\"]}"))).isEmpty();
        }

        @Test
        void itLooksAtTheEventNotAtTheDeadLetterRecord() {
            // the reason, the subscription and the error belong to the dead letter, not to the event
            assertThat(selected(DeadLetterSelector.matching("{\"reason\": [\"bad currency\"]}"))).isEmpty();
            assertThat(selected(DeadLetterSelector.matching("{\"subscription\": [\"billing\"]}"))).isEmpty();
        }

        @Test
        void itKeepsTheCompiledPattern() {
            String pattern = "{\"type\": [\"order.paid\"]}";

            DeadLetterSelector selector = DeadLetterSelector.matching(pattern);

            assertThat(selector).isInstanceOfSatisfying(DeadLetterSelector.Matching.class,
                    m -> assertThat(m.filter().pattern()).isEqualTo(pattern));
        }

        @Test
        void aBadPatternIsRefusedWhenTheSelectorIsMade() {
            assertThatThrownBy(() -> DeadLetterSelector.matching("{\"type\": \"order.paid\"}"))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("invalid event pattern ");
            assertThatThrownBy(() -> DeadLetterSelector.matching("{}"))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("an event pattern must be a non-empty JSON object");
        }
    }

    @Nested
    class Range {

        @Test
        void itSelectsOffsetsFromToInclusiveOfOnePartition() {
            assertThat(selected(DeadLetterSelector.range(0, 1, 2))).containsExactly(PLACED_SMALL, PAID);
            assertThat(selected(DeadLetterSelector.range(0, 0, 0))).containsExactly(PLACED_BIG);
            assertThat(selected(DeadLetterSelector.range(0, 0, Long.MAX_VALUE))).containsExactly(PLACED_BIG, PLACED_SMALL, PAID);
        }

        @Test
        void itIgnoresTheOtherPartitions() {
            assertThat(selected(DeadLetterSelector.range(1, 0, 100))).containsExactly(OTHER_PARTITION);
            assertThat(selected(DeadLetterSelector.range(2, 40, 40))).containsExactly(REJECTED);
            assertThat(selected(DeadLetterSelector.range(3, 0, 100))).isEmpty();
        }

        @Test
        void itLooksAtThePositionInTheDeadLetterTopicNotTheOriginalOne() {
            // REJECTED sits at 2@40 in the dead-letter topic and came from 2@400 in the topic
            assertThat(selected(DeadLetterSelector.range(2, 400, 400))).isEmpty();
        }

        @Test
        void anEmptyStretchSelectsNothing() {
            assertThat(selected(DeadLetterSelector.range(0, 3, 1_000))).isEmpty();
        }

        @Test
        void itIsAValue() {
            assertThat(DeadLetterSelector.range(1, 2, 3)).isEqualTo(new DeadLetterSelector.Range(1, 2, 3));
        }

        @ParameterizedTest
        @CsvSource({
                "-1, 0, 10",
                "0, -1, 10",
                "0, 11, 10",
                "0, -5, -1",
                "-2147483648, 0, 0",
        })
        void aBadRangeIsRefusedNamingItsValues(int partition, long from, long to) {
            assertThatThrownBy(() -> DeadLetterSelector.range(partition, from, to))
                    .isInstanceOf(InvalidSpecException.class)
                    .hasMessage("a dead-letter range needs a partition >= 0 and 0 <= from <= to, got partition "
                            + partition + ", " + from + ".." + to);
        }

        @Test
        void aRangeOfOneOffsetIsAccepted() {
            assertThat(DeadLetterSelector.range(0, 7, 7)).isEqualTo(new DeadLetterSelector.Range(0, 7, 7));
        }
    }

    @Test
    void aDeadLetterNeedsItsEventAndItsOptionalErrorFields() {
        Event event = event("order.placed", "{}");
        Position at = new Position(0, 0);

        assertThatThrownBy(() -> new DeadLetter(at, null, "orders", "billing", at, 1, FIRST, LAST, Optional.empty(), Optional.empty(), "r"))
                .isInstanceOf(NullPointerException.class).hasMessage("event");
        assertThatThrownBy(() -> new DeadLetter(at, event, "orders", "billing", at, 1, FIRST, LAST, null, Optional.empty(), "r"))
                .isInstanceOf(NullPointerException.class).hasMessage("errorClass");
        assertThatThrownBy(() -> new DeadLetter(at, event, "orders", "billing", at, 1, FIRST, LAST, Optional.empty(), null, "r"))
                .isInstanceOf(NullPointerException.class).hasMessage("errorMessage");
    }

    @Nested
    class Redrive {

        @Test
        void toTheSubscription() {
            assertThat(RedriveTarget.subscription()).isEqualTo(new RedriveTarget.ToSubscription());
        }

        @Test
        void toAValidTopic() {
            assertThat(RedriveTarget.topic("orders.retry")).isEqualTo(new RedriveTarget.ToTopic("orders.retry"));
        }

        @Test
        void toABadTopicNameIsRefused() {
            assertThatThrownBy(() -> RedriveTarget.topic("orders/retry"))
                    .isInstanceOf(InvalidNameException.class)
                    .hasMessageStartingWith("invalid topic name 'orders/retry'");
            assertThatThrownBy(() -> RedriveTarget.topic(""))
                    .isInstanceOf(InvalidNameException.class);
        }
    }

    @Test
    void aRejectCarriesItsReasonAndCause() {
        IllegalStateException cause = new IllegalStateException("no such currency");

        assertThat(new RejectException("bad currency")).hasMessage("bad currency").hasNoCause();
        assertThat(new RejectException("bad currency", cause)).hasMessage("bad currency").hasCause(cause);
        assertThat(new RejectException("x")).isInstanceOf(RuntimeException.class);
    }
}
