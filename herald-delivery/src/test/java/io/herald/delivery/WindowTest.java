package io.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import io.herald.event.EventFilter;
import io.herald.broker.spi.OffsetRanges;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shared delivery state machine without a broker, on a clock driven by hand: which events may go (the
 * key gate), what a partition commits (its lowest unfinished offset), leases, retries, dead
 * letters and parked keys.
 */
class WindowTest {

    private static final RetryPolicy THREE = RetryPolicy.maxAttempts(3).backoff(Duration.ofMillis(100), 1.0, Duration.ofMillis(100));

    private final List<String> effects = new ArrayList<>();
    private final List<Entry> recording = new ArrayList<>();
    private final List<Entry> deadLettering = new ArrayList<>();

    private final Window.Effects recorder = new Window.Effects() {
        @Override
        public boolean recordRetry(Entry e, int epoch) {
            effects.add("retry " + e.offset + " attempts " + e.failures.attempts());
            recording.add(e);
            return false;
        }

        @Override
        public void deadLetter(Entry e, int epoch, String reason) {
            effects.add("dead letter " + e.offset + ": " + reason);
            deadLettering.add(e);
        }

        @Override
        public void settled(Entry e, boolean deadLettered) {
            effects.add("settled " + e.offset + (deadLettered ? " dead" : ""));
        }

        @Override
        public void forgotten(int partition, long offset) {
            effects.add("forgotten " + offset);
        }

        @Override
        public void parked(Entry e) {
            effects.add("parked " + e.key);
        }

        @Override
        public void unparked(int partition, String key) {
            effects.add("unparked " + key);
        }
    };

    private Window window(Ordering ordering, RetryPolicy policy, KeyAfterDeadLetter after, EventFilter filter) {
        return new Window(ordering, after, policy, Duration.ofMillis(1000), filter, new Random(1), recorder);
    }

    private static StoredEvent event(long offset, String key) {
        Event.Builder b = Event.builder().id("e-" + offset).source("/test").type(offset % 2 == 0 ? "even" : "odd").json("{}");
        if (key != null) {
            b.partitionKey(key);
        }
        return new StoredEvent("t", new Position(0, offset), Instant.EPOCH, b.build());
    }

    private static List<Long> offsets(List<Entry> entries) {
        return entries.stream().map(e -> e.offset).toList();
    }

    private static Entry only(List<Entry> entries) {
        assertThat(entries).hasSize(1);
        return entries.getFirst();
    }

    @Test
    void aKeysEventsGoOneAtATimeInOrderWhileOtherKeysAndKeylessEventsGoAtOnce() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, "a"), 0);
        w.admit(event(1, "a"), 0);
        w.admit(event(2, "b"), 0);
        w.admit(event(3, null), 0);
        w.admit(event(4, "a"), 0);
        List<Entry> first = w.take(10, 0);
        assertThat(offsets(first)).containsExactlyInAnyOrder(0L, 2L, 3L);
        Entry a0 = first.stream().filter(e -> e.offset == 0).findFirst().orElseThrow();
        assertThat(w.ack(a0, a0.epoch, 1)).isTrue();
        assertThat(offsets(w.take(10, 1))).containsExactly(1L);
    }

    @Test
    void theQueuesOfKeysWithNothingLeftAreForgottenOnceThereAreMany() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        int keys = 10 * KeyQueues.EMPTY_KEPT;
        int most = 0;
        for (long o = 0; o < keys; o++) {
            w.admit(event(o, "key-" + o), 0);
            Entry e = only(w.take(10, 0));
            assertThat(w.ack(e, e.epoch, 0)).isTrue();
            most = Math.max(most, w.keyQueuesHeld());
        }
        assertThat(most).as("empty queues kept up to the bound").isEqualTo(KeyQueues.EMPTY_KEPT);
        assertThat(w.keyQueuesHeld()).as("then swept").isLessThan(KeyQueues.EMPTY_KEPT);
        assertThat(w.commitOffset(0)).isEqualTo(keys);
        // a key whose queue was kept empty goes again at once, and in order
        long next = keys;
        String kept = "key-" + (keys - 1);
        w.admit(event(next, kept), 0);
        w.admit(event(next + 1, kept), 0);
        Entry first = only(w.take(10, 0));
        assertThat(first.offset).isEqualTo(next);
        assertThat(w.take(10, 0)).isEmpty();
        w.ack(first, first.epoch, 0);
        assertThat(only(w.take(10, 0)).offset).isEqualTo(next + 1);
    }

    @Test
    void withNoneEveryEventGoesAtOnce() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        for (long o = 0; o < 4; o++) {
            w.admit(event(o, "same"), 0);
        }
        assertThat(offsets(w.take(10, 0))).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aPartitionCommitsItsLowestUnfinishedOffset() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 10, new OffsetRanges());
        assertThat(w.commitOffset(0)).isEqualTo(10);
        for (long o = 10; o < 15; o++) {
            w.admit(event(o, null), 0);
        }
        Map<Long, Entry> out = new LinkedHashMap<>();
        w.take(10, 0).forEach(e -> out.put(e.offset, e));
        for (long o : List.of(11L, 12L, 14L)) {
            w.ack(out.get(o), out.get(o).epoch, 1);
        }
        assertThat(w.commitOffset(0)).as("10 is still out").isEqualTo(10);
        w.ack(out.get(10L), out.get(10L).epoch, 1);
        assertThat(w.commitOffset(0)).as("13 is still out").isEqualTo(13);
        w.ack(out.get(13L), out.get(13L).epoch, 1);
        assertThat(w.commitOffset(0)).isEqualTo(15);
        assertThat(w.unfinished(0)).isZero();
    }

    /**
     * A Kafka commit refused during a rebalance was not made again when nothing else finished: the
     * last acks of a partition then waited for its revoke, and a kill before that delivered them again.
     */
    @Test
    void aFailedCommitIsMadeAgainWithoutAnythingElseFinishing() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, null), 0);
        Entry e = only(w.take(1, 0));
        w.ack(e, e.epoch, 1);
        assertThat(w.commitChanged(0)).isTrue();
        assertThat(w.commitChanged(0)).as("said once").isFalse();
        w.commitFailed(0);
        assertThat(w.commitChanged(0)).as("the failed commit is made again").isTrue();
        assertThat(w.commitOffset(0)).isEqualTo(1);
    }

    @Test
    void anExpiredLeaseCountsAnAttemptIsRedeliveredAndTheLateVerdictIsIgnored() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, null), 0);
        Entry e = only(w.take(1, 0));
        int firstLease = e.epoch;
        assertThat(e.leaseDeadline).isEqualTo(1000);
        assertThat(w.take(1, 999)).isEmpty();
        w.fireTimers(1000);
        assertThat(effects).containsExactly("retry 0 attempts 1");
        w.recorded(e, e.epoch, 1001);
        Entry again = only(w.take(1, 1001));
        assertThat(again.failures.attempts() + 1).as("attempt").isEqualTo(2);
        assertThat(w.ack(e, firstLease, 1002)).as("the late ack").isFalse();
        assertThat(w.commitOffset(0)).isZero();
        assertThat(w.ack(again, again.epoch, 1003)).isTrue();
        assertThat(w.commitOffset(0)).isEqualTo(1);
        assertThat(effects).containsExactly("retry 0 attempts 1", "settled 0"); // its retry record outlives the ack...
        w.committed(0, 1);
        assertThat(effects).last().isEqualTo("forgotten 0"); // ...until the commit passes it
    }

    /**
     * Issue 15: a KEY event dead-lettered (or acked) after retries came back after a kill as attempt
     * 1, because its Retry fact was ended when it settled, before any commit said it was done.
     */
    @Test
    void aSettledEventKeepsItsRetryFactUntilADurableCommitPassesIt() {
        RetryPolicy hourly = RetryPolicy.maxAttempts(2).backoff(Duration.ofHours(1), 1.0, Duration.ofHours(1));
        Window w = window(Ordering.KEY, hourly, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, "a"), 0);
        w.admit(event(1, "b"), 0);
        List<Entry> first = w.take(10, 0);
        Entry a = first.get(0);
        Entry b = first.get(1);
        w.nack(a, a.epoch, null, null, 1); // a waits an hour: the cursor stays at 0
        w.recorded(a, a.epoch, 2);
        w.nack(b, b.epoch, Duration.ZERO, null, 3);
        w.recorded(b, b.epoch, 4);
        w.fireTimers(5);
        Entry b2 = only(w.take(10, 5));
        w.nack(b2, b2.epoch, null, null, 6); // b's last attempt fails: dead-lettered
        Entry dead = deadLettering.getLast();
        w.deadLettered(dead, dead.epoch, 7);
        assertThat(w.commitOffset(0)).isZero();
        w.committed(0, 0);
        // b is done, but no commit has passed it: its Retry fact (attempts 1) must stay
        assertThat(effects).noneMatch(x -> x.startsWith("forgotten"));

        w.fireTimers(3_600_001);
        Entry a2 = only(w.take(10, 3_600_001));
        w.ack(a2, a2.epoch, 3_600_002);
        assertThat(effects).noneMatch(x -> x.startsWith("forgotten"));
        w.committed(0, w.commitOffset(0));
        assertThat(effects).filteredOn(x -> x.startsWith("forgotten")).containsExactly("forgotten 0", "forgotten 1");
    }

    @Test
    void onAssignTheRetryFactsTheCommitPassedEndAndThoseOfFinishedEventsWaitForTheNextCommit() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, null);
        OffsetRanges finished = new OffsetRanges();
        finished.add(5);
        w.assign(0, 4, finished);
        for (long offset : new long[] {2, 5, 6}) {
            w.restoreRetry(0, offset, new RetryRecord(new FailureRecord(1, Instant.EPOCH, Instant.EPOCH, null, "failed"), 100));
        }
        assertThat(effects).containsExactly("forgotten 2"); // below the commit: stale
        w.admit(event(4, "a"), 0);
        w.admit(event(5, "b"), 0); // finished by the earlier owner: skipped
        w.admit(event(6, "c"), 0);
        assertThat(offsets(w.take(10, 0))).containsExactly(4L); // 6 waits for its recorded retry
        w.committed(0, 6);
        assertThat(effects).containsExactly("forgotten 2", "forgotten 5");
    }

    @Test
    void anExtendedLeaseDoesNotExpire() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, "a"), 0);
        Entry e = only(w.take(1, 0));
        assertThat(w.extend(e, e.epoch, Duration.ofSeconds(5), 500)).isTrue();
        w.fireTimers(5000);
        assertThat(effects).isEmpty();
        w.fireTimers(6000);
        assertThat(effects).containsExactly("retry 0 attempts 1");
    }

    @Test
    void aRetryWaitsForItsScheduleToBeWrittenAndItsDueTimeAndHoldsBackOnlyItsKey() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, "a"), 0);
        w.admit(event(1, "a"), 0);
        w.admit(event(2, "b"), 0);
        w.admit(event(3, "b"), 0);
        Map<Long, Entry> out = new LinkedHashMap<>();
        w.take(10, 0).forEach(e -> out.put(e.offset, e));
        assertThat(out).containsOnlyKeys(0L, 2L);
        Entry a0 = out.get(0L);
        w.nack(a0, a0.epoch, Duration.ofMillis(500), null, 10);
        assertThat(w.take(10, 600)).as("not before its schedule is written").isEmpty();
        w.recorded(a0, a0.epoch, 20);
        w.ack(out.get(2L), out.get(2L).epoch, 30);
        assertThat(offsets(w.take(10, 100))).as("b goes on; a waits").containsExactly(3L);
        assertThat(offsets(w.take(10, 510))).containsExactly(0L);
    }

    @Test
    void theLastAttemptIsDeadLetteredAndCountsAsDoneOnlyOnceTheDeadLetterIsWritten() {
        Window w = window(Ordering.KEY, RetryPolicy.maxAttempts(1), KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, "a"), 0);
        w.admit(event(1, "a"), 0);
        Entry a0 = only(w.take(10, 0));
        w.nack(a0, a0.epoch, null, new IllegalStateException("boom"), 1);
        assertThat(effects).containsExactly("dead letter 0: failed 1 of 1 attempts");
        assertThat(a0.failures.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(w.take(10, 2)).as("the key waits for the dead letter").isEmpty();
        assertThat(w.commitOffset(0)).isZero();
        w.deadLettered(a0, a0.epoch, 3);
        assertThat(w.commitOffset(0)).isEqualTo(1);
        assertThat(offsets(w.take(10, 3))).containsExactly(1L);
    }

    /** The intent a dead letter records first is a retry record too: a rejected first attempt's ends once a commit passes it. */
    @Test
    void theIntentOfADeadLetterEndsOnceADurableCommitPassesTheEvent() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, null), 0);
        Entry e0 = only(w.take(10, 0));
        w.reject(e0, e0.epoch, "no", 1);
        Entry dead = only(deadLettering);
        w.deadLettered(dead, dead.epoch, 2);
        assertThat(effects).noneMatch(x -> x.startsWith("forgotten"));
        w.committed(0, w.commitOffset(0));
        assertThat(effects).contains("forgotten 0");
    }

    @Test
    void anEventWhoseDeadLetterWasBeingWrittenIsNeverDeliveredAgainAndItsKeyWaitsForIt() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        DeadLetterIntent intent = new DeadLetterIntent("failed 3 of 3 attempts", java.util.Map.of(0, 7L));
        w.restoreRetry(0, 0, new RetryRecord(new FailureRecord(3, Instant.EPOCH, Instant.EPOCH, null, "boom"), 0, intent));
        w.admit(event(0, "a"), 10);
        w.admit(event(1, "a"), 10);
        w.admit(event(2, "b"), 10);
        assertThat(effects).as("the dead letter goes on, the backend looks first").containsExactly("dead letter 0: failed 3 of 3 attempts");
        Entry a0 = deadLettering.getFirst();
        assertThat(a0.resumedIntent()).isEqualTo(intent);
        assertThat(a0.failures.attempts()).as("the attempts the policy gave up after").isEqualTo(3);
        assertThat(offsets(w.take(10, 20))).as("never delivered again; a's next waits, b goes").containsExactly(2L);
        assertThat(w.settling(0)).isTrue();
        w.deadLettered(a0, a0.epoch, 30);
        assertThat(effects).contains("settled 0 dead");
        assertThat(offsets(w.take(10, 30))).containsExactly(1L);
    }

    @Test
    void anUndecodableRecordWhoseDeadLetterWasBeingWrittenResumesItsIntent() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        DeadLetterIntent intent = new DeadLetterIntent("not a CloudEvent: bad", java.util.Map.of(0, 3L));
        w.restoreRetry(0, 0, new RetryRecord(new FailureRecord(1, Instant.EPOCH, Instant.EPOCH, null, "bad"), 0, intent));
        w.admitUndecodable(event(0, null), "bad", 5);
        assertThat(only(deadLettering).resumedIntent()).isEqualTo(intent);
    }

    @Test
    void aParkedKeyWaitsUntilItsParkFactEnds() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.PARK, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, "a"), 0);
        w.admit(event(1, "a"), 0);
        w.admit(event(2, "b"), 0);
        Entry a0 = w.take(10, 0).stream().filter(e -> e.offset == 0).findFirst().orElseThrow();
        w.reject(a0, a0.epoch, "no", 1);
        w.deadLettered(a0, a0.epoch, 2);
        assertThat(effects).containsExactly("dead letter 0: no", "settled 0 dead", "parked a");
        assertThat(w.take(10, 3)).isEmpty();
        assertThat(w.commitOffset(0)).as("1 waits, unfinished").isEqualTo(1);
        w.unpark(0, "a", 4, false); // a purge ended the park record
        assertThat(offsets(w.take(10, 4))).containsExactly(1L);
    }

    @Test
    void aRedrivenDeadLetterGoesFirstAndUnparksItsKey() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.PARK, null);
        w.assign(0, 4, new OffsetRanges());
        w.park(0, "a");
        w.admit(event(4, "a"), 0);
        assertThat(w.take(10, 0)).isEmpty();
        StoredEvent deadLetter = new StoredEvent("t.s.dlq", new Position(0, 0), Instant.EPOCH, event(3, "a").event());
        w.admitRedrive(0, "redrive/t.s.dlq/0/0", 1, deadLetter, new Position(0, 3), null, 1);
        assertThat(effects).containsExactly("unparked a");
        Entry back = only(w.take(10, 1));
        assertThat(back.stored.event().id()).isEqualTo("e-3");
        assertThat(back.isRedrive()).isTrue();
        w.ack(back, back.epoch, 2);
        assertThat(effects).endsWith("settled 1");
        assertThat(offsets(w.take(10, 2))).containsExactly(4L);
    }

    @Test
    void aRecordedRetryScheduleIsRestoredAndAStaleOneIgnored() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 5, new OffsetRanges());
        w.restoreRetry(0, 4, new RetryRecord(new FailureRecord(9, Instant.EPOCH, Instant.EPOCH, null, null), 0));
        w.restoreRetry(0, 5, new RetryRecord(new FailureRecord(2, Instant.EPOCH, Instant.EPOCH, null, null), 1500));
        w.admit(event(5, null), 1000);
        w.admit(event(6, null), 1000);
        assertThat(offsets(w.take(10, 1000))).containsExactly(6L);
        Entry e = only(w.take(10, 1500));
        assertThat(e.offset).isEqualTo(5);
        assertThat(e.failures.attempts() + 1).as("attempt").isEqualTo(3);
    }

    @Test
    void eventsTheFilterDoesNotMatchAreDoneWithoutADelivery() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, EventFilter.compile("{\"type\": [\"even\"]}"));
        w.assign(0, 0, new OffsetRanges());
        for (long o = 0; o < 5; o++) {
            w.admit(event(o, null), 0);
        }
        List<Entry> out = w.take(10, 0);
        assertThat(offsets(out)).containsExactly(0L, 2L, 4L);
        out.forEach(e -> w.ack(e, e.epoch, 1));
        assertThat(w.commitOffset(0)).isEqualTo(5);
    }

    @Test
    void aRevokedPartitionsDeliveriesAreVoid() {
        Window w = window(Ordering.NONE, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, null), 0);
        Entry e = only(w.take(1, 0));
        w.revoke(0);
        assertThat(w.ack(e, e.epoch, 1)).isFalse();
        assertThat(w.partitions()).isEmpty();
        assertThat(w.leased()).isZero();
    }

    @Test
    void offsetsFinishedAboveARetryingEventTravelWithTheCommitAndANewOwnerSkipsThem() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, EventFilter.compile("{\"type\": [\"even\"]}"));
        w.assign(0, 10, new OffsetRanges());
        for (long o = 10; o < 16; o++) {
            w.admit(event(o, "k-" + o), 0); // 11, 13, 15 are odd: filtered out
        }
        List<Entry> out = w.take(10, 0);
        assertThat(offsets(out)).containsExactly(10L, 12L, 14L);
        Entry first = out.getFirst();
        w.nack(first, first.epoch, Duration.ofHours(1), null, 1);
        w.ack(out.get(1), out.get(1).epoch, 1);
        assertThat(w.commitOffset(0)).as("held by the retrying event").isEqualTo(10);
        OffsetRanges finished = w.finished(0);
        assertThat(java.util.stream.LongStream.range(10, 16).filter(finished::contains).boxed().toList())
                .as("acked or filtered out; 14 is still leased").containsExactly(11L, 12L, 13L, 15L);

        Window next = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, EventFilter.compile("{\"type\": [\"even\"]}"));
        next.assign(0, 10, finished);
        for (long o = 10; o < 17; o++) {
            next.admit(event(o, "k-" + o), 2);
        }
        assertThat(offsets(next.take(10, 2))).as("12 is not delivered again").containsExactly(10L, 14L, 16L);
    }
    /*
     * The fetch limit counts unfinished events; events acked behind one whose retry waits were
     * kept in the partition's entries until the commit passed them, each with its payload, and
     * fetching went on: memory grew without bound behind a long backoff.
     */
    @Test
    void anEventAckedBehindARetryingOneIsNotHeldInMemory() {
        Window w = window(Ordering.KEY, THREE, KeyAfterDeadLetter.CONTINUE, null);
        w.assign(0, 0, new OffsetRanges());
        w.admit(event(0, "stuck"), 0);
        Entry first = w.take(1, 0).getFirst();
        w.nack(first, first.epoch, Duration.ofHours(1), null, 1);
        w.recorded(first, first.epoch, 1);
        java.lang.ref.WeakReference<StoredEvent> acked = admitTakeAndAck(w, 1);
        for (long o = 2; o < 100; o++) {
            admitTakeAndAck(w, o);
        }
        w.fireTimers(5000); // the acked leases' timers are void
        w.nextTimer();
        assertThat(w.commitOffset(0)).as("held by the retrying event").isZero();
        assertThat(w.finished(0).contains(1)).isTrue();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return acked.get() == null;
        });
        assertThat(w.commitOffset(0)).isZero();
    }

    private static java.lang.ref.WeakReference<StoredEvent> admitTakeAndAck(Window w, long offset) {
        StoredEvent stored = event(offset, "k-" + offset);
        w.admit(stored, 2);
        Entry e = w.take(1, 2).getFirst();
        assertThat(e.offset).isEqualTo(offset);
        assertThat(w.ack(e, e.epoch, 3)).isTrue();
        return new java.lang.ref.WeakReference<>(stored);
    }
}
