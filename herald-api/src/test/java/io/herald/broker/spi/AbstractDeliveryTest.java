package io.herald.broker.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.Position;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AbstractDeliveryTest {

    private static final RuntimeException BOOM = new IllegalStateException("boom");

    @Test
    void describesTheEventItWasGivenWithTheSubscriptionsTopic() {
        RecordingDelivery d = new RecordingDelivery();

        assertThat(d.topic()).isEqualTo("orders");
        assertThat(d.subscription()).isEqualTo("billing");
        assertThat(d.event()).isSameAs(RecordingDelivery.STORED.event());
        assertThat(d.position()).isEqualTo(new Position(2, 41));
        assertThat(d.appendTime()).isEqualTo(RecordingDelivery.STORED.appendTime());
        assertThat(d.attempt()).isEqualTo(3);
        assertThat(d).hasToString("Delivery{orders 2@41 attempt 3, e-1}");
    }

    @Test
    void eachVerdictReachesItsHookWithItsArguments() {
        RecordingDelivery acked = new RecordingDelivery();
        RecordingDelivery nacked = new RecordingDelivery();
        RecordingDelivery delayed = new RecordingDelivery();
        RecordingDelivery failed = new RecordingDelivery();
        RecordingDelivery rejected = new RecordingDelivery();

        acked.ack();
        nacked.nack();
        delayed.nack(Duration.ofSeconds(2));
        failed.fail(BOOM);
        rejected.reject("card stolen");

        assertThat(acked.calls).containsExactly("ack");
        assertThat(nacked.calls).containsExactly("nack null null");
        assertThat(delayed.calls).containsExactly("nack PT2S null");
        assertThat(failed.calls).containsExactly("nack null boom");
        assertThat(rejected.calls).containsExactly("reject card stolen");
        assertThat(List.of(acked.state(), nacked.state(), delayed.state(), failed.state(), rejected.state())).containsExactly(
                AbstractDelivery.State.ACKED, AbstractDelivery.State.NACKED, AbstractDelivery.State.NACKED,
                AbstractDelivery.State.NACKED, AbstractDelivery.State.REJECTED);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n"})
    void aRejectWithoutAReasonGetsTheDefaultOne(String reason) {
        RecordingDelivery d = new RecordingDelivery();

        d.reject(reason);

        assertThat(d.calls).containsExactly("reject rejected");
    }

    @Test
    void onlyTheFirstVerdictCounts() {
        RecordingDelivery d = new RecordingDelivery();

        d.ack();
        d.nack();
        d.nack(Duration.ofSeconds(1));
        d.reject("too late");
        d.fail(BOOM);
        d.ack();

        assertThat(d.calls).containsExactly("ack");
        assertThat(d.state()).isEqualTo(AbstractDelivery.State.ACKED);
    }

    @Test
    void aHandlersFailureAfterTheHandlerAckedDoesNothing() {
        RecordingDelivery d = new RecordingDelivery();

        d.ack();
        d.fail(BOOM);

        assertThat(d.calls).containsExactly("ack");
    }

    @Test
    void anExtensionKeepsTheLeaseUntilTheVerdictAndNothingAfterIt() {
        RecordingDelivery d = new RecordingDelivery();

        d.extend(Duration.ofSeconds(30));
        d.extend(Duration.ZERO);
        d.reject("no");
        d.extend(Duration.ofSeconds(30));

        assertThat(d.calls).containsExactly("extend PT30S", "extend PT0S", "reject no");
    }

    @Test
    void aNegativeOrMissingDurationIsRefusedAndEndsNothing() {
        RecordingDelivery d = new RecordingDelivery();

        assertThatThrownBy(() -> d.nack(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a nack delay cannot be negative, got PT-0.001S");
        assertThatThrownBy(() -> d.extend(Duration.ofSeconds(-5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a lease extension cannot be negative, got PT-5S");
        assertThatThrownBy(() -> d.nack(null)).isInstanceOf(NullPointerException.class).hasMessage("delay");
        assertThatThrownBy(() -> d.extend(null)).isInstanceOf(NullPointerException.class).hasMessage("by");
        assertThatThrownBy(() -> d.fail(null)).isInstanceOf(NullPointerException.class).hasMessage("error");

        assertThat(d.calls).isEmpty();
        assertThat(d.state()).isEqualTo(AbstractDelivery.State.OPEN);
        d.nack(Duration.ZERO);
        assertThat(d.calls).containsExactly("nack PT0S null");
    }

    @Test
    void aBadArgumentIsRefusedAfterTheVerdictToo() {
        RecordingDelivery d = new RecordingDelivery();
        d.ack();

        assertThatThrownBy(() -> d.nack(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.extend(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.calls).containsExactly("ack");
    }

    static Stream<Arguments> racingVerdicts() {
        Consumer<AbstractDelivery> ack = AbstractDelivery::ack;
        Consumer<AbstractDelivery> nack = AbstractDelivery::nack;
        Consumer<AbstractDelivery> delayed = d -> d.nack(Duration.ofMillis(5));
        Consumer<AbstractDelivery> reject = d -> d.reject("no");
        Consumer<AbstractDelivery> fail = d -> d.fail(BOOM);
        return Stream.of(
                Arguments.of("ack", ack, "ack", ack),
                Arguments.of("ack", ack, "nack", nack),
                Arguments.of("ack", ack, "fail", fail),
                Arguments.of("reject", reject, "nack(delay)", delayed),
                Arguments.of("fail", fail, "reject", reject));
    }

    /**
     * Two threads meet before each round's verdict and reach the compare-and-set together. They
     * spin rather than park at a {@code CyclicBarrier}: a parked thread wakes microseconds after
     * the last one arrives. Tried with a volatile check-then-set (as {@code QueueDelivery} had):
     * behind a barrier, two runs in three passed; spinning, every pair failed in every run, within
     * 130 rounds. Whoever wins, exactly one hook runs.
     */
    @ParameterizedTest(name = "{0} against {2}")
    @MethodSource("racingVerdicts")
    void ofTwoConcurrentVerdictsExactlyOneCounts(String a, Consumer<AbstractDelivery> first, String b, Consumer<AbstractDelivery> second)
            throws Exception {
        int rounds = 5_000;
        RecordingDelivery[] deliveries = new RecordingDelivery[rounds];
        for (int i = 0; i < rounds; i++) {
            deliveries[i] = new RecordingDelivery();
        }
        AtomicInteger arrived = new AtomicInteger();
        Thread one = racer(deliveries, arrived, first);
        Thread other = racer(deliveries, arrived, second);
        one.join();
        other.join();

        for (int i = 0; i < rounds; i++) {
            RecordingDelivery d = deliveries[i];
            assertThat(d.calls).as("round %d", i).hasSize(1);
            // the state records the verdict whose hook ran: ACKED for "ack", NACKED for "nack ...", REJECTED for "reject ..."
            assertThat(d.calls.getFirst()).as("round %d", i).startsWith(d.state().name().toLowerCase(Locale.ROOT).replaceFirst("ed$", ""));
        }
    }

    /** Plays every round: waits until both racers have arrived at it, then gives its verdict. */
    private static Thread racer(RecordingDelivery[] deliveries, AtomicInteger arrived, Consumer<AbstractDelivery> verdict) {
        return Thread.ofPlatform().start(() -> {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // the other racer died: its thread shows why
            for (int round = 0; round < deliveries.length; round++) {
                arrived.incrementAndGet();
                for (int spins = 1; arrived.get() < 2 * (round + 1); spins++) {
                    if (System.nanoTime() > giveUp) {
                        return;
                    }
                    // the other racer may be off the CPU (2 cores, shared): after a while, let it on
                    if (spins % 1_000 == 0) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                }
                verdict.accept(deliveries[round]);
            }
        });
    }
}
