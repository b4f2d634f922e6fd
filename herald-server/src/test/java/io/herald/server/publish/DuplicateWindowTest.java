package io.herald.server.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.Position;
import io.herald.server.publish.DuplicateWindow.Claim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The duplicate window on a clock the test moves: claims, outcomes, expiry and the size bound. */
class DuplicateWindowTest {

    private static final Duration WINDOW = Duration.ofSeconds(10);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final DuplicateWindow window = new DuplicateWindow(WINDOW, 100, clock::get);

    @Test
    void aClaimWithinTheWindowIsADuplicateOfTheStoredWrite() {
        Claim.Fresh first = fresh(window.claim("t", "/s", "1"));
        window.stored(first, Optional.of(new Position(2, 7)));
        clock.addAndGet(WINDOW.toNanos());

        Claim again = window.claim("t", "/s", "1");
        assertThat(again).isInstanceOf(Claim.Duplicate.class);
        assertThat(((Claim.Duplicate) again).first().join()).contains(new Position(2, 7));
    }

    @Test
    void aRememberedEventIsADuplicateUntilTheWindowAfterItWasStored() {
        window.remember("t", "/s", "old", new Position(1, 4), WINDOW.toNanos() - 1_000);
        window.remember("t", "/s", "older than the window", new Position(1, 3), WINDOW.toNanos());

        Claim found = window.claim("t", "/s", "old");
        assertThat(found).isInstanceOf(Claim.Duplicate.class);
        assertThat(((Claim.Duplicate) found).first().join()).contains(new Position(1, 4));
        assertThat(window.claim("t", "/s", "older than the window")).isInstanceOf(Claim.Fresh.class);

        clock.addAndGet(1_001); // its window ends 10 s after it was stored, not after it was remembered
        assertThat(window.claim("t", "/s", "old")).isInstanceOf(Claim.Fresh.class);
    }

    @Test
    void aDeletedTopicsEventsAreForgotten() {
        window.stored(fresh(window.claim("t", "/s", "1")), Optional.of(new Position(0, 0)));
        window.stored(fresh(window.claim("u", "/s", "1")), Optional.of(new Position(0, 0)));

        window.forgetTopic("t");

        assertThat(window.claim("t", "/s", "1")).isInstanceOf(Claim.Fresh.class);
        assertThat(window.claim("u", "/s", "1")).isInstanceOf(Claim.Duplicate.class);
    }

    @Test
    void aClaimWhileTheFirstWriteIsPendingWaitsForIt() {
        Claim.Fresh first = fresh(window.claim("t", "/s", "1"));
        Claim.Duplicate retry = (Claim.Duplicate) window.claim("t", "/s", "1");
        assertThat(retry.first()).isNotDone();

        window.stored(first, Optional.empty());
        assertThat(retry.first().join()).isEmpty();
    }

    @Test
    void anEntryLeavesOnceTheWindowHasPassed() {
        window.stored(fresh(window.claim("t", "/s", "1")), Optional.of(new Position(0, 0)));
        clock.addAndGet(WINDOW.toNanos() + 1);

        assertThat(window.claim("t", "/s", "1")).isInstanceOf(Claim.Fresh.class);
        assertThat(window.size()).isEqualTo(1);
    }

    @Test
    void expiryGoesByClaimTimeOldestFirst() {
        window.stored(fresh(window.claim("t", "/s", "a")), Optional.empty());
        clock.addAndGet(WINDOW.toNanos() / 2);
        window.stored(fresh(window.claim("t", "/s", "b")), Optional.empty());
        clock.addAndGet(WINDOW.toNanos() / 2 + 1);

        assertThat(window.claim("t", "/s", "b")).as("b is within its window").isInstanceOf(Claim.Duplicate.class);
        assertThat(window.claim("t", "/s", "a")).as("a expired").isInstanceOf(Claim.Fresh.class);
    }

    @Test
    void aFailedWriteGivesItsClaimBackAndFailsItsWaiters() {
        Claim.Fresh first = fresh(window.claim("t", "/s", "1"));
        Claim.Duplicate waiting = (Claim.Duplicate) window.claim("t", "/s", "1");
        IllegalStateException failure = new IllegalStateException("disk full");

        window.failed(first, failure);

        assertThatThrownBy(() -> waiting.first().join()).isInstanceOf(CompletionException.class).hasCause(failure);
        assertThat(window.size()).isZero();
        Claim.Fresh retry = fresh(window.claim("t", "/s", "1"));
        window.stored(retry, Optional.of(new Position(0, 3)));
        assertThat(((Claim.Duplicate) window.claim("t", "/s", "1")).first().join()).contains(new Position(0, 3));
    }

    @Test
    void aFailureOfAnOldClaimDoesNotDropANewerOne() {
        Claim.Fresh old = fresh(window.claim("t", "/s", "1"));
        window.failed(old, new IllegalStateException("first try"));
        Claim.Fresh newer = fresh(window.claim("t", "/s", "1"));

        window.failed(old, new IllegalStateException("reported twice"));

        assertThat(window.claim("t", "/s", "1")).isInstanceOf(Claim.Duplicate.class);
        window.stored(newer, Optional.empty());
    }

    @Test
    void identityIsTopicSourceAndId() {
        window.claim("t", "/s", "1");
        assertThat(window.claim("t", "/other", "1")).isInstanceOf(Claim.Fresh.class);
        assertThat(window.claim("u", "/s", "1")).isInstanceOf(Claim.Fresh.class);
        assertThat(window.claim("t", "/s", "2")).isInstanceOf(Claim.Fresh.class);
        assertThat(window.claim("t", "/s", "1")).isInstanceOf(Claim.Duplicate.class);
    }

    @Test
    void theOldestLeaveEarlyBeyondMaxEntries() {
        DuplicateWindow small = new DuplicateWindow(WINDOW, 3, clock::get);
        for (int i = 0; i < 10; i++) {
            small.claim("t", "/s", "e-" + i);
            clock.incrementAndGet();
            assertThat(small.size()).isLessThanOrEqualTo(3);
        }
        assertThat(small.claim("t", "/s", "e-9")).isInstanceOf(Claim.Duplicate.class);
        assertThat(small.claim("t", "/s", "e-8")).isInstanceOf(Claim.Duplicate.class);
        assertThat(small.claim("t", "/s", "e-6")).as("the oldest left").isInstanceOf(Claim.Fresh.class);
    }

    @Test
    void claimsGivenBackDoNotPileUpBeyondTheBound() {
        DuplicateWindow small = new DuplicateWindow(WINDOW, 4, clock::get);
        for (int i = 0; i < 1_000; i++) {
            small.failed(fresh(small.claim("t", "/s", "e-" + i)), new IllegalStateException("down"));
        }
        small.claim("t", "/s", "kept");
        assertThat(small.claim("t", "/s", "kept")).isInstanceOf(Claim.Duplicate.class);
        assertThat(small.size()).isEqualTo(1);
    }

    @Test
    void aWindowOfZeroRemembersNothing() {
        DuplicateWindow off = new DuplicateWindow(Duration.ZERO, 100, clock::get);
        Claim.Fresh first = fresh(off.claim("t", "/s", "1"));
        off.stored(first, Optional.of(new Position(0, 0)));

        assertThat(off.enabled()).isFalse();
        assertThat(off.claim("t", "/s", "1")).isInstanceOf(Claim.Fresh.class);
        assertThat(off.size()).isZero();
        assertThat(first.pending().join()).contains(new Position(0, 0));
    }

    @Test
    void concurrentClaimsOfOneEventMakeOneFreshClaim() throws Exception {
        DuplicateWindow shared = new DuplicateWindow(WINDOW, 1000, System::nanoTime);
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Claim> claims = Collections.synchronizedList(new ArrayList<>());
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 200; i++) {
                    claims.add(shared.claim("t", "/s", "e-" + i));
                }
            }));
        }
        go.countDown();
        for (Thread t : started) {
            t.join();
        }
        assertThat(claims.stream().filter(c -> c instanceof Claim.Fresh).count()).as("one fresh claim per event").isEqualTo(200);
        assertThat(shared.size()).isEqualTo(200);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new DuplicateWindow(Duration.ofSeconds(-1), 10, clock::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DuplicateWindow(WINDOW, 0, clock::get)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Claim.Fresh fresh(Claim claim) {
        assertThat(claim).isInstanceOf(Claim.Fresh.class);
        return (Claim.Fresh) claim;
    }
}
