package io.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StoredEvent;
import io.herald.broker.spi.OffsetRanges;
import io.herald.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * The shared state machine alone, with no broker: random sequences of takes, acks, nacks,
 * rejects, extensions, clock moves, writes completing (retry records and dead letters, in any
 * order), durable commits, and crashes after which a new window starts from what a backend had
 * made durable (the last commit and its finished offsets, the retry records written, the parked
 * keys), on one partition. After every step and at the end:
 * <ul>
 *   <li>no event is both acked and dead-lettered, and none is dead-lettered twice in one life of
 *       the window (across a crash a dead letter not yet passed by a durable commit may be
 *       written again: the known gap of issue 15 item 8);</li>
 *   <li>nothing goes out before it is due, and with {@code KEY} never while an older event of
 *       its key is unfinished, nor while its key is parked;</li>
 *   <li>an attempt number never goes down, across crashes too: a settled event's retry record
 *       outlives it until a durable commit passes it;</li>
 *   <li>the commit never passes an unfinished event, and the offsets said to be finished above it
 *       are acked or dead-lettered;</li>
 *   <li>at the end, with writes completing and time passing, every event is acked or dead-lettered
 *       and the commit passes them all.</li>
 * </ul>
 * Fast enough for many more tries than the model test through a backend's stores.
 */
class WindowProperties {

    private static final int EVENTS = 10;
    private static final long LEASE_MS = 1000;
    private static final RetryPolicy POLICY = RetryPolicy.maxAttempts(3).backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(400));

    sealed interface Op permits Take, Ack, Nack, Reject, Extend, Advance, Complete, Commit, Crash {
    }

    record Take(int max) implements Op {
    }

    record Ack(int which) implements Op {
    }

    record Nack(int which, Integer delayMs) implements Op {
    }

    record Reject(int which) implements Op {
    }

    record Extend(int which, int ms) implements Op {
    }

    record Advance(int ms) implements Op {
    }

    /** One pending write completes: a retry record or a dead letter. */
    record Complete(int which) implements Op {
    }

    /** The backend makes the commit durable (with the offsets finished above it) and tells the window. */
    record Commit() implements Op {
    }

    /** The process dies: a new window starts from the last durable commit and the records written; writes in flight are lost. */
    record Crash() implements Op {
    }

    @Property(tries = 1000)
    void keyOrdering(@ForAll("ops") @Size(max = 60) List<Op> ops) {
        new Run(Ordering.KEY, KeyAfterDeadLetter.CONTINUE).play(ops);
    }

    @Property(tries = 500)
    void keyOrderingParkedAfterADeadLetter(@ForAll("ops") @Size(max = 60) List<Op> ops) {
        new Run(Ordering.KEY, KeyAfterDeadLetter.PARK).play(ops);
    }

    @Property(tries = 1000)
    void noOrdering(@ForAll("ops") @Size(max = 60) List<Op> ops) {
        new Run(Ordering.NONE, KeyAfterDeadLetter.CONTINUE).play(ops);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> which = Arbitraries.integers().between(0, 30);
        Arbitrary<Op> take = Arbitraries.integers().between(1, 4).map(Take::new);
        Arbitrary<Op> ack = which.map(Ack::new);
        Arbitrary<Op> nack = Arbitraries.integers().between(0, 600).injectNull(0.5).flatMap(d -> which.map(w -> new Nack(w, d)));
        Arbitrary<Op> reject = which.map(Reject::new);
        Arbitrary<Op> extend = Arbitraries.integers().between(100, 2000).flatMap(ms -> which.map(w -> new Extend(w, ms)));
        Arbitrary<Op> advance = Arbitraries.integers().between(1, 1500).map(Advance::new);
        Arbitrary<Op> complete = which.map(Complete::new);
        Arbitrary<Op> commit = Arbitraries.just(new Commit());
        Arbitrary<Op> crash = Arbitraries.just(new Crash());
        return Arbitraries.frequencyOf(Tuple.of(5, take), Tuple.of(4, ack), Tuple.of(2, nack), Tuple.of(1, reject), Tuple.of(1, extend),
                Tuple.of(3, advance), Tuple.of(4, complete), Tuple.of(2, commit), Tuple.of(1, crash)).list();
    }

    record Lease(Entry entry, int epoch) {
    }

    private static StoredEvent event(long offset) {
        return new StoredEvent("t", new Position(0, offset), Instant.EPOCH,
                Event.builder().id("e" + offset).source("/model").type("t").partitionKey(key(offset)).data("x").build());
    }

    private static String key(long offset) {
        return "k" + (offset % 3);
    }

    /** One run: a window, the backend's durable state, and what was observed. */
    private static final class Run implements Window.Effects {
        final Ordering ordering;
        final KeyAfterDeadLetter afterDeadLetter;
        final List<String> trace = new ArrayList<>();
        long now;
        Window window;
        // what the backend keeps across a restart
        long commit;
        OffsetRanges finished = new OffsetRanges();
        final Map<Long, RetryRecord> records = new HashMap<>();
        final Set<String> parked = new HashSet<>();
        // writes started and not completed: a retry record or a dead letter, with the epoch it was asked in
        final List<Object[]> pending = new ArrayList<>();
        // what happened
        final Set<Long> acked = new HashSet<>();
        final Map<Long, Integer> deadLetters = new HashMap<>();
        final Map<Long, Integer> lastAttempt = new HashMap<>();
        /** Deliveries handed out, with the epoch each was made in; stale ones stay, so late verdicts are tried too. */
        final List<Lease> out = new ArrayList<>();

        Run(Ordering ordering, KeyAfterDeadLetter afterDeadLetter) {
            this.ordering = ordering;
            this.afterDeadLetter = afterDeadLetter;
            open();
        }

        void open() {
            window = new Window(ordering, afterDeadLetter, POLICY, Duration.ofMillis(LEASE_MS), null, new Random(7), this);
            window.assign(0, commit, copy(finished, commit));
            records.forEach((offset, r) -> window.restoreRetry(0, offset, r));
            parked.forEach(k -> window.park(0, k));
            for (long o = commit; o < EVENTS; o++) {
                window.admit(event(o), now);
            }
            out.clear();
            pending.clear();
        }

        void play(List<Op> ops) {
            try {
                for (Op op : ops) {
                    trace.add(op + " at " + now);
                    apply(op);
                    check();
                }
                drain();
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\ntrace:\n  " + String.join("\n  ", trace), e);
            }
        }

        void apply(Op op) {
            switch (op) {
                case Take t -> {
                    for (Entry e : window.take(t.max(), now)) {
                        delivered(e);
                    }
                }
                case Ack a -> pick(a.which()).ifPresent(l -> {
                    if (window.ack(l.entry(), l.epoch(), now)) {
                        acked(l.entry());
                    }
                });
                case Nack n -> pick(n.which()).ifPresent(l ->
                        window.nack(l.entry(), l.epoch(), n.delayMs() == null ? null : Duration.ofMillis(n.delayMs()), null, now));
                case Reject r -> pick(r.which()).ifPresent(l -> window.reject(l.entry(), l.epoch(), "no", now));
                case Extend x -> {
                    if (!out.isEmpty()) {
                        Lease l = out.get(x.which() % out.size());
                        window.extend(l.entry(), l.epoch(), Duration.ofMillis(x.ms()), now);
                    }
                }
                case Advance a -> {
                    now += a.ms();
                    window.fireTimers(now);
                }
                case Complete c -> complete(c.which());
                case Commit c -> commit();
                case Crash c -> crash();
            }
        }

        /** A delivery handed out and not given a verdict yet (its lease may have expired since). */
        java.util.Optional<Lease> pick(int which) {
            return out.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(out.remove(which % out.size()));
        }

        void delivered(Entry e) {
            long o = e.offset();
            trace.add("  delivered e" + o + " attempt " + e.attempt());
            assertThat(acked).as("e%d delivered after its ack", o).doesNotContain(o);
            assertThat(deadLetters).as("e%d delivered after its dead letter", o).doesNotContainKey(o);
            assertThat(e.dueAt()).as("e%d delivered before it was due", o).isLessThanOrEqualTo(now);
            int before = lastAttempt.getOrDefault(o, 0);
            assertThat(e.attempt()).as("attempt of e%d never goes down", o).isGreaterThanOrEqualTo(before);
            lastAttempt.put(o, e.attempt());
            if (ordering == Ordering.KEY) {
                for (long older = 0; older < o; older++) {
                    if (key(older).equals(key(o)) && !acked.contains(older) && !deadLetters.containsKey(older)) {
                        throw new AssertionError("e" + o + " delivered while the older e" + older + " of its key is unfinished");
                    }
                }
                assertThat(parked).as("e%d delivered while its key is parked", o).doesNotContain(key(o));
            }
            out.add(new Lease(e, e.epoch()));
        }

        void acked(Entry e) {
            trace.add("  acked e" + e.offset());
            assertThat(deadLetters).as("e%d acked and dead-lettered", e.offset()).doesNotContainKey(e.offset());
            acked.add(e.offset());
        }

        void complete(int which) {
            if (pending.isEmpty()) {
                return;
            }
            Object[] w = pending.remove(which % pending.size());
            Entry e = (Entry) w[1];
            int epoch = (int) w[2];
            if (w[0].equals("retry")) {
                if (e.state == Entry.State.RECORDING && e.epoch() == epoch) {
                    records.put(e.offset(), new RetryRecord(e.failures(), e.dueAt()));
                }
                window.recorded(e, epoch, now);
            } else if (Window.awaitsDeadLetter(e, epoch)) {
                trace.add("  dead letter of e" + e.offset() + " written");
                assertThat(acked).as("e%d dead-lettered and acked", e.offset()).doesNotContain(e.offset());
                deadLetters.merge(e.offset(), 1, Integer::sum);
                window.deadLettered(e, epoch, now);
            }
        }

        void commit() {
            commit = window.commitOffset(0);
            finished = window.finished(0);
            window.committed(0, commit);
        }

        /** What the last durable commit did not pass is delivered again: acked or dead-lettered, it is undone. */
        void crash() {
            for (long o = commit; o < EVENTS; o++) {
                if (!finished.contains(o)) {
                    acked.remove(o);
                    deadLetters.remove(o);
                }
            }
            open();
        }

        void check() {
            long c = window.commitOffset(0);
            for (long o = 0; o < c; o++) {
                assertThat(acked.contains(o) || deadLetters.containsKey(o)).as("the commit %d passed the unfinished e%d", c, o).isTrue();
            }
            OffsetRanges f = window.finished(0);
            for (long o = c; o < EVENTS; o++) {
                if (f.contains(o)) {
                    assertThat(acked.contains(o) || deadLetters.containsKey(o)).as("e%d said finished above the commit", o).isTrue();
                }
            }
            deadLetters.forEach((o, n) -> assertThat(n).as("dead letters of e%d", o).isEqualTo(1));
        }

        void drain() {
            for (int round = 0; round < 100 && acked.size() + deadLetters.size() < EVENTS; round++) {
                while (!pending.isEmpty()) {
                    complete(0);
                }
                for (String key : List.copyOf(parked)) {
                    window.unpark(0, key, now, true); // its dead letters purged
                }
                now += LEASE_MS + 500;
                window.fireTimers(now);
                for (Entry e : window.take(100, now)) {
                    delivered(e);
                    if (window.ack(e, e.epoch(), now)) {
                        acked(e);
                    }
                }
                check();
            }
            assertThat(acked.size() + deadLetters.size()).as("every event acked or dead-lettered").isEqualTo(EVENTS);
            assertThat(window.commitOffset(0)).as("the commit passed every event").isEqualTo(EVENTS);
        }

        // ---- Window.Effects: what a backend would write

        @Override
        public boolean recordRetry(Entry e, int epoch) {
            pending.add(new Object[] {"retry", e, epoch});
            return false;
        }

        @Override
        public void deadLetter(Entry e, int epoch, String reason) {
            pending.add(new Object[] {"dead letter", e, epoch});
        }

        @Override
        public void settled(Entry e, boolean deadLettered) {
            // the record stays until a commit passes the event (forgotten)
        }

        @Override
        public void forgotten(int partition, long offset) {
            records.remove(offset);
        }

        @Override
        public void parked(Entry e) {
            parked.add(e.key());
        }

        @Override
        public void unparked(int partition, String key) {
            parked.remove(key);
        }

        private static OffsetRanges copy(OffsetRanges ranges, long from) {
            OffsetRanges c = new OffsetRanges();
            ranges.forEachFrom(from, c::add);
            return c;
        }
    }
}
