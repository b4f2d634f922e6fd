package io.herald.embedded.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * Guarantee 4 as a model-based test: random sequences of polls, acks, nacks (with and without a
 * delay), rejects, lease extensions, clock moves (expiring leases, making retries due), restarts
 * and redrives, run against the real {@link Dispatcher} on real stores and against a small
 * reference model. After every step: each event is in exactly one of pending, leased, acked or
 * dead-lettered; nothing is delivered before it is due, nor (with {@code KEY}) while an older
 * event of its key is unfinished; a poll hands out everything that is eligible; attempt numbers
 * count failures; no event is both acked and dead-lettered. At the end everything drains to
 * acked or dead-lettered and the cursor passes every event.
 */
class DeliveryStateMachineProperties {

    private static final int EVENTS = 8;
    private static final long LEASE_MS = 1000;
    private static final RetryPolicy POLICY = RetryPolicy.maxAttempts(3).backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(400));

    sealed interface Op permits Poll, Ack, Nack, Reject, Extend, Advance, Restart, Redrive {
    }

    record Poll(int max) implements Op {
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

    record Restart() implements Op {
    }

    record Redrive() implements Op {
    }

    @Property(tries = 100)
    void keyOrdering(@ForAll("ops") @Size(max = 45) List<Op> ops) throws Exception {
        run(Ordering.KEY, ops);
    }

    @Property(tries = 60)
    void noOrdering(@ForAll("ops") @Size(max = 45) List<Op> ops) throws Exception {
        run(Ordering.NONE, ops);
    }

    private void run(Ordering ordering, List<Op> ops) throws Exception {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(Event.builder().id("e" + i).type("t").source("/model").partitionKey("k" + (i % 3)).data("x").build());
        }
        SubscriptionSpec spec = SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).retry(POLICY)
                .leaseDuration(Duration.ofMillis(LEASE_MS));
        try (DispatcherHarness h = new DispatcherHarness(spec, events)) {
            Model model = new Model(ordering, h.clock);
            try {
                for (Op op : ops) {
                    model.trace.add(op.toString());
                    apply(h, model, op);
                    model.check(h);
                }
                drain(h, model);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\ntrace: " + String.join("\n  ", model.trace), e);
            }
        }
    }

    private void apply(DispatcherHarness h, Model model, Op op) throws Exception {
        switch (op) {
            case Poll p -> {
                model.expireLeases();
                List<Delivery> got = h.dispatcher().poll("c", p.max(), Duration.ZERO);
                h.settle(); // an expiry may have dead-lettered
                for (Delivery d : got) {
                    model.delivered(d);
                }
                if (got.size() < p.max()) {
                    assertThat(model.eligibleAtPoll()).as("eligible events left after a poll for %d", p.max()).isEmpty();
                }
            }
            case Ack a -> model.outstanding(a.which()).ifPresent(d -> {
                d.ack();
                model.acked(d);
            });
            case Nack n -> model.outstanding(n.which()).ifPresent(d -> {
                if (n.delayMs() == null) {
                    d.nack();
                } else {
                    d.nack(Duration.ofMillis(n.delayMs()));
                }
                h.settle();
                model.nacked(d, n.delayMs());
            });
            case Reject r -> model.outstanding(r.which()).ifPresent(d -> {
                d.reject("model says no");
                h.settle();
                model.rejected(d);
            });
            case Extend x -> model.outstanding(x.which()).ifPresent(d -> {
                d.extend(Duration.ofMillis(x.ms()));
                model.extended(d, x.ms());
            });
            case Advance a -> h.clock.advance(a.ms());
            case Restart r -> {
                h.restart();
                model.restarted();
            }
            case Redrive r -> {
                long redriven = h.redriveAll();
                assertThat(redriven).as("dead letters redriven").isEqualTo(model.unresolvedDead());
                model.redriven();
            }
        }
    }

    /** Acks everything that comes until every event is acked or dead-lettered. */
    private void drain(DispatcherHarness h, Model model) {
        for (int round = 0; round < 200 && !model.allFinished(); round++) {
            h.clock.advance(LEASE_MS + 500);
            model.expireLeases();
            model.trace.add("drain at " + h.clock.millis());
            List<Delivery> got = h.dispatcher().poll("drain", 100, Duration.ZERO);
            h.settle();
            for (Delivery d : got) {
                model.delivered(d);
                d.ack();
                model.acked(d);
            }
            model.check(h);
        }
        assertThat(model.allFinished()).as("every event acked or dead-lettered").isTrue();
        assertThat(h.cursor()).as("the cursor passed every event").isEqualTo(EVENTS);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> which = Arbitraries.integers().between(0, 20);
        Arbitrary<Op> poll = Arbitraries.integers().between(1, 4).map(Poll::new);
        Arbitrary<Op> ack = which.map(Ack::new);
        Arbitrary<Op> nack = Arbitraries.integers().between(0, 600).injectNull(0.5).flatMap(delay -> which.map(w -> new Nack(w, delay)));
        Arbitrary<Op> reject = which.map(Reject::new);
        Arbitrary<Op> extend = Arbitraries.integers().between(100, 2000).flatMap(ms -> which.map(w -> new Extend(w, ms)));
        Arbitrary<Op> advance = Arbitraries.integers().between(1, 1500).map(Advance::new);
        Arbitrary<Op> restart = Arbitraries.just(new Restart());
        Arbitrary<Op> redrive = Arbitraries.just(new Redrive());
        return Arbitraries.frequencyOf(
                Tuple.of(5, poll), Tuple.of(4, ack), Tuple.of(2, nack), Tuple.of(1, reject), Tuple.of(1, extend),
                Tuple.of(4, advance), Tuple.of(1, restart), Tuple.of(1, redrive)).list();
    }

    /** The reference: what each event's state must be. */
    private static final class Model {
        enum Status { PENDING, LEASED, ACKED, DEAD }

        final Ordering ordering;
        final DispatcherHarness.ManualClock clock;
        final Status[] status = new Status[EVENTS];
        final int[] failures = new int[EVENTS];
        final long[] dueAt = new long[EVENTS];
        final long[] deadline = new long[EVENTS];
        final Delivery[] lease = new Delivery[EVENTS];
        final int[] deadLetters = new int[EVENTS];
        final boolean[] redrivenOnce = new boolean[EVENTS];
        /** Redriven and not yet acked or dead-lettered again. */
        final boolean[] redriving = new boolean[EVENTS];
        final List<Integer> redriveOrder = new ArrayList<>();
        final List<Integer> unresolvedDead = new ArrayList<>();
        /** Per key, the order in which its unfinished events must go (redriven ones first). */
        final Map<String, LinkedList<Integer>> keyQueues = new HashMap<>();
        final List<Delivery> outstanding = new ArrayList<>();
        final List<String> trace = new ArrayList<>();
        final java.util.Set<String> freedDuringPoll = new java.util.HashSet<>();
        final java.util.Set<Integer> retriedDuringPoll = new java.util.HashSet<>();

        Model(Ordering ordering, DispatcherHarness.ManualClock clock) {
            this.ordering = ordering;
            this.clock = clock;
            for (int i = 0; i < EVENTS; i++) {
                status[i] = Status.PENDING;
                keyQueues.computeIfAbsent(key(i), k -> new LinkedList<>()).add(i);
            }
        }

        static String key(int i) {
            return "k" + (i % 3);
        }

        static int number(Delivery d) {
            return Integer.parseInt(d.event().id().substring(1));
        }

        java.util.Optional<Delivery> outstanding(int which) {
            return outstanding.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(outstanding.get(which % outstanding.size()));
        }

        boolean current(Delivery d) {
            int i = number(d);
            return status[i] == Status.LEASED && lease[i] == d;
        }

        /** Events that may be delivered now. */
        List<Integer> eligible() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                if (status[i] == Status.PENDING && dueAt[i] <= clock.millis() && (ordering != Ordering.KEY || isHead(i))) {
                    out.add(i);
                }
            }
            return out;
        }

        private boolean isHead(int i) {
            LinkedList<Integer> q = keyQueues.get(key(i));
            return !q.isEmpty() && q.getFirst() == i;
        }

        /**
         * What the last poll had to hand out: the eligible events, less those of keys that a
         * dead-lettering during that poll freed (they become eligible once the dead letter is
         * written, just after the poll), and less the events whose lease expired at that poll (a
         * retry goes out only once its record is on disk, just after the poll).
         */
        List<Integer> eligibleAtPoll() {
            return eligible().stream().filter(i -> !freedDuringPoll.contains(key(i)) && !retriedDuringPoll.contains(i)).toList();
        }

        /** The dispatcher expires leases when it is polled: the model does the same at a poll. */
        void expireLeases() {
            freedDuringPoll.clear();
            retriedDuringPoll.clear();
            for (int i = 0; i < EVENTS; i++) {
                if (status[i] == Status.LEASED && deadline[i] <= clock.millis()) {
                    outstanding.remove(lease[i]);
                    lease[i] = null;
                    fail(i, 0L);
                    if (status[i] == Status.PENDING) {
                        retriedDuringPoll.add(i);
                    }
                }
            }
        }

        void delivered(Delivery d) {
            int i = number(d);
            trace.add("  delivered e" + i + " attempt " + d.attempt() + " at " + clock.millis() + " queues " + keyQueues);
            assertThat(status[i]).as("e%d delivered while %s", i, status[i]).isEqualTo(Status.PENDING);
            assertThat(dueAt[i]).as("e%d delivered before it was due", i).isLessThanOrEqualTo(clock.millis());
            if (ordering == Ordering.KEY) {
                assertThat(isHead(i)).as("e%d delivered before an older event of %s finished: %s", i, key(i), keyQueues.get(key(i))).isTrue();
            }
            assertThat(d.attempt()).as("attempt of e%d", i).isEqualTo(failures[i] + 1);
            status[i] = Status.LEASED;
            lease[i] = d;
            deadline[i] = clock.millis() + LEASE_MS;
            outstanding.add(d);
        }

        void acked(Delivery d) {
            outstanding.remove(d);
            int i = number(d);
            if (lease[i] != d || status[i] != Status.LEASED) {
                return; // a stale delivery: ignored
            }
            lease[i] = null;
            status[i] = Status.ACKED;
            redriving[i] = false;
            keyQueues.get(key(i)).remove((Integer) i);
        }

        void nacked(Delivery d, Integer delayMs) {
            outstanding.remove(d);
            int i = number(d);
            if (lease[i] != d || status[i] != Status.LEASED) {
                return;
            }
            lease[i] = null;
            fail(i, delayMs == null ? null : (long) delayMs);
        }

        void rejected(Delivery d) {
            outstanding.remove(d);
            int i = number(d);
            if (lease[i] != d || status[i] != Status.LEASED) {
                return;
            }
            lease[i] = null;
            failures[i]++;
            dead(i);
        }

        void extended(Delivery d, int ms) {
            int i = number(d);
            if (lease[i] == d && status[i] == Status.LEASED) {
                deadline[i] = Math.max(deadline[i], clock.millis()) + ms;
            }
        }

        private void fail(int i, Long delay) {
            failures[i]++;
            if (failures[i] >= POLICY.maxAttempts()) {
                dead(i);
                return;
            }
            long backoff = Math.min(POLICY.maxBackoff().toMillis(),
                    (long) (POLICY.initialBackoff().toMillis() * Math.pow(POLICY.multiplier(), failures[i] - 1)));
            dueAt[i] = clock.millis() + (delay != null ? delay : backoff);
            status[i] = Status.PENDING;
            arrange(key(i));
        }

        private void dead(int i) {
            freedDuringPoll.add(key(i));
            redriving[i] = false;
            status[i] = Status.DEAD;
            deadLetters[i]++;
            unresolvedDead.add(i);
            keyQueues.get(key(i)).remove((Integer) i);
        }

        void restarted() {
            outstanding.clear();
            for (int i = 0; i < EVENTS; i++) {
                if (status[i] == Status.LEASED) {
                    status[i] = Status.PENDING; // leases do not survive: delivered again, same attempt number
                    lease[i] = null;
                }
            }
            keyQueues.keySet().forEach(this::arrange);
        }

        long unresolvedDead() {
            return unresolvedDead.size();
        }

        void redriven() {
            for (int i : unresolvedDead) {
                status[i] = Status.PENDING;
                failures[i] = 0;
                dueAt[i] = 0;
                redriving[i] = true;
                redrivenOnce[i] = true;
                redriveOrder.add(i);
                keyQueues.get(key(i)).add(i);
                arrange(key(i));
            }
            unresolvedDead.clear();
        }

        /** A key's order: the event out (leased), then redriven events by redrive order, then its own by offset. */
        void arrange(String key) {
            LinkedList<Integer> q = keyQueues.get(key);
            List<Integer> out = new ArrayList<>();
            List<Integer> redriven = new ArrayList<>();
            List<Integer> own = new ArrayList<>();
            for (int i : q) {
                if (status[i] == Status.LEASED) {
                    out.add(i);
                } else if (redriving[i]) {
                    redriven.add(i);
                } else {
                    own.add(i);
                }
            }
            redriven.sort(java.util.Comparator.comparingInt(redriveOrder::lastIndexOf));
            own.sort(Integer::compare);
            q.clear();
            q.addAll(out);
            q.addAll(redriven);
            q.addAll(own);
        }

        boolean allFinished() {
            for (Status s : status) {
                if (s == Status.PENDING || s == Status.LEASED) {
                    return false;
                }
            }
            return true;
        }

        void check(DispatcherHarness h) {
            Map<String, Integer> written = new HashMap<>();
            h.everyDeadLetterWritten().forEach(id -> written.merge(id, 1, Integer::sum));
            for (int i = 0; i < EVENTS; i++) {
                assertThat(written.getOrDefault("e" + i, 0)).as("dead letters written for e%d", i).isEqualTo(deadLetters[i]);
                if (status[i] == Status.ACKED) {
                    assertThat(written.getOrDefault("e" + i, 0)).as("acked e%d dead-lettered only before a redrive", i)
                            .isLessThanOrEqualTo(redrivenOnce[i] ? deadLetters[i] : 0);
                }
            }
        }
    }
}
