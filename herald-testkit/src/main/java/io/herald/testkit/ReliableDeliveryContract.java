package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RejectException;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deliveries, leases, retries with backoff, dead letters: for every ordering, a failing event
 * is retried and then dead-lettered, never lost and never both acked and dead-lettered.
 */
public abstract class ReliableDeliveryContract extends BrokerContract {

    /** Quick retries for tests: 3 attempts, 20-100 ms backoff. */
    protected static final RetryPolicy QUICK = RetryPolicy.maxAttempts(3).backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(100));

    protected static SubscriptionSpec spec(Ordering ordering) {
        return SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).retry(QUICK);
    }

    /**
     * Polls one delivery at a time until the numbered event comes and returns it. Use it where the
     * wanted event is the next one the subscription hands out (one partition, in order).
     */
    protected static Delivery pollFor(PullSubscriber consumer, int number) {
        Delivery[] found = new Delivery[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Delivery d : consumer.poll(1, Duration.ofMillis(50))) {
                assertThat(numberOf(d.event())).as("the next delivery").isEqualTo(number);
                found[0] = d;
            }
            return found[0] != null;
        });
        return found[0];
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void aDeliveryCarriesItsAttemptAndLease(Ordering ordering) {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 1);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            Instant before = Instant.now();
            Delivery d = pollFor(consumer, 0);
            assertThat(d.attempt()).isEqualTo(1);
            assertThat(d.leaseDeadline()).isAfter(before);
            assertThat(d.subscription()).isEqualTo("s");
            d.ack();
        }
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void aNackedEventComesAgainWithTheNextAttemptNumber(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 1);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            Delivery first = pollFor(consumer, 0);
            first.nack();
            Delivery second = pollFor(consumer, 0);
            assertThat(second.attempt()).isEqualTo(2);
            second.ack();
            assertThat(consumer.poll(10, Duration.ofMillis(200))).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void aNackWithADelayIsNotRedeliveredBeforeIt(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 1);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            Delivery first = pollFor(consumer, 0);
            Instant nackedAt = Instant.now();
            first.nack(Duration.ofMillis(700));
            Delivery again = pollFor(consumer, 0);
            assertThat(Duration.between(nackedAt, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(650));
            assertThat(again.attempt()).isEqualTo(2);
            again.ack();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void anExpiredLeaseIsRedeliveredAndTheLateAckIsIgnored(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 1);
        SubscriptionSpec spec = spec(ordering).leaseDuration(Duration.ofMillis(300));
        try (PullSubscriber slow = broker.pullSubscriber(topic, "s", spec);
             PullSubscriber other = broker.pullSubscriber(topic, "s", spec)) {
            Delivery taken = pollFor(slow, 0);
            Delivery redelivered = pollFor(other, 0);
            assertThat(redelivered.attempt()).isEqualTo(2);
            taken.ack(); // too late: the lease moved on
            redelivered.ack();
            assertThat(other.poll(10, Duration.ofMillis(200))).isEmpty();
            assertThat(broker.deadLetters(topic, "s").count(DeadLetterSelector.all())).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void anExtendedLeaseIsNotRedelivered(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 1);
        SubscriptionSpec spec = spec(ordering).leaseDuration(Duration.ofMillis(300));
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec)) {
            Delivery d = pollFor(consumer, 0);
            Instant deadline = d.leaseDeadline();
            d.extend(Duration.ofSeconds(5));
            assertThat(d.leaseDeadline()).isAfter(deadline.plusSeconds(4));
            assertThat(consumer.poll(10, Duration.ofMillis(700))).isEmpty();
            d.ack();
        }
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void anEventThatKeepsFailingIsDeadLetteredWithItsHistory(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 1);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            for (int attempt = 1; attempt <= 3; attempt++) {
                Delivery d = pollFor(consumer, 0);
                assertThat(d.attempt()).isEqualTo(attempt);
                d.nack();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.deadLetters(topic, "s").count(DeadLetterSelector.all()) == 1);
            assertThat(consumer.poll(10, Duration.ofMillis(300))).isEmpty();
        }
        DeadLetter dead = broker.deadLetters(topic, "s").list(DeadLetterSelector.all(), 10).getFirst();
        assertThat(dead.event().id()).isEqualTo("e-0");
        assertThat(dead.event().dataAsString()).isEqualTo(event(0).dataAsString());
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.topic()).isEqualTo(topic);
        assertThat(dead.subscription()).isEqualTo("s");
        assertThat(dead.reason()).contains("3 of 3");
        assertThat(dead.firstFailure()).isBeforeOrEqualTo(dead.lastFailure());
        assertThat(broker.describeSubscription(topic, "s").lag()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void aRejectedEventIsDeadLetteredAtOnceWithTheReason(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 2);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            pollFor(consumer, 0).reject("order total is negative");
            pollFor(consumer, 1).ack();
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.deadLetters(topic, "s").count(DeadLetterSelector.all()) == 1);
        }
        DeadLetter dead = broker.deadLetters(topic, "s").list(DeadLetterSelector.all(), 10).getFirst();
        assertThat(dead.reason()).isEqualTo("order total is negative");
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(numberOf(dead.event())).isZero();
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void aPushHandlerRetriesOnExceptionsAndRejectsOnRejectException(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 3);
        Map<Integer, Integer> calls = new ConcurrentHashMap<>();
        SubscriptionSpec spec = spec(ordering).retry(QUICK.permanent(IllegalArgumentException.class));
        try (Subscriber ignored = broker.subscribe(topic, "s", spec, d -> {
            int n = numberOf(d.event());
            int call = calls.merge(n, 1, Integer::sum);
            switch (n) {
                case 0 -> {
                    if (call == 1) {
                        throw new IllegalStateException("flaky");
                    }
                }
                case 1 -> throw new RejectException("bad order");
                default -> throw new IllegalArgumentException("never valid");
            }
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.deadLetters(topic, "s").count(DeadLetterSelector.all()) == 2
                    && calls.getOrDefault(0, 0) == 2);
        }
        assertThat(calls).containsEntry(0, 2).containsEntry(1, 1).containsEntry(2, 1);
        List<DeadLetter> dead = broker.deadLetters(topic, "s").list(DeadLetterSelector.all(), 10);
        assertThat(dead).extracting(d -> numberOf(d.event())).containsExactlyInAnyOrder(1, 2);
        DeadLetter permanent = dead.stream().filter(d -> numberOf(d.event()) == 2).findFirst().orElseThrow();
        assertThat(permanent.errorClass()).contains(IllegalArgumentException.class.getName());
        assertThat(permanent.errorMessage()).contains("never valid");
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void theFirstVerdictOfADeliveryCounts(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 3);
        Map<Integer, List<Integer>> attempts = new ConcurrentHashMap<>();
        try (Subscriber ignored = broker.subscribe(topic, "s", spec(ordering), d -> {
            int n = numberOf(d.event());
            attempts.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>()).add(d.attempt());
            switch (n) {
                case 0 -> {
                    d.ack();
                    d.nack(); // too late: acked
                    throw new IllegalStateException("too late as well");
                }
                case 1 -> {
                    if (d.attempt() == 1) {
                        d.nack(); // returning normally after it acks nothing
                    }
                }
                default -> d.reject("rejected first");
            }
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> attempts.getOrDefault(1, List.of()).size() == 2
                    && broker.deadLetters(topic, "s").count(DeadLetterSelector.all()) == 1);
            // a marker behind them all: once it is handled, no late redelivery of 0 is pending
            publishNumbered(topic, 3, 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> attempts.containsKey(3));
        }
        assertThat(attempts.get(0)).as("acked, then nacked and thrown: delivered once").containsExactly(1);
        assertThat(attempts.get(1)).as("nacked, then returned: delivered again").containsExactly(1, 2);
        assertThat(attempts.get(2)).as("rejected, then returned: dead-lettered, not acked").containsExactly(1);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void aPoisonEventHoldsBackNothingButItsOwnKey(Ordering ordering) {
        String topic = createTopic(1);
        broker.publish(topic, event(0, "poison")).join();
        for (int i = 1; i <= 20; i++) {
            broker.publish(topic, event(i, "key-" + (i % 4))).join();
        }
        broker.publish(topic, event(21, "poison")).join();
        List<Integer> handled = new CopyOnWriteArrayList<>();
        // full jitter draws each backoff from [0, cap]: with caps of 3 and 6 s the poison event's two
        // retries take under the ~0.3 s the other keys need in 1 of 400 runs (0.3^2 / (2 * 3 * 6)),
        // with 0.3 and 0.6 s it was 1 in 4 on a slow run, and the test read that as held-back keys
        SubscriptionSpec spec = spec(ordering).retry(RetryPolicy.maxAttempts(3).backoff(Duration.ofSeconds(3), 2.0, Duration.ofSeconds(6)));
        try (Subscriber ignored = broker.subscribe(topic, "s", spec.concurrency(4), d -> {
            if (numberOf(d.event()) == 0) {
                throw new IllegalStateException("poison");
            }
            handled.add(numberOf(d.event()));
        })) {
            // the other keys are all handled while the poison event is still retrying
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.containsAll(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList()));
            assertThat(broker.deadLetters(topic, "s").count(DeadLetterSelector.all())).isZero();
            if (ordering == Ordering.KEY) {
                assertThat(handled).doesNotContain(21); // behind the poison event of its key
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.contains(21));
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.deadLetters(topic, "s").count(DeadLetterSelector.all()) == 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"PARTITION", "KEY"})
    void eachKeysEventsAreHandledInPublishOrderThroughFailuresAndRetries(Ordering ordering) {
        String topic = createTopic(2);
        int keys = 12;
        int perKey = 15;
        for (int i = 0; i < keys * perKey; i++) {
            broker.publish(topic, event(i, "k" + (i % keys)));
        }
        broker.publish(topic, event(keys * perKey, "k0")).join();
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<Integer, Integer> failures = new ConcurrentHashMap<>();
        java.util.Random random = new java.util.Random(7);
        Set<Integer> failing = new HashSet<>();
        for (int i = 0; i < keys * perKey; i++) {
            if (random.nextInt(5) == 0) {
                failing.add(i);
            }
        }
        SubscriptionSpec spec = spec(ordering).retry(RetryPolicy.maxAttempts(10).backoff(Duration.ofMillis(5), 2.0, Duration.ofMillis(40)))
                .concurrency(8);
        try (Subscriber ignored = broker.subscribe(topic, "ordered", spec, d -> {
            int n = numberOf(d.event());
            if (failing.contains(n) && failures.merge(n, 1, Integer::sum) <= 2) {
                throw new IllegalStateException("transient failure of " + n);
            }
            seen.computeIfAbsent(d.event().partitionKey().orElseThrow(), k -> new CopyOnWriteArrayList<>()).add(n);
        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.values().stream().mapToInt(List::size).sum() >= keys * perKey + 1);
        }
        seen.forEach((key, numbers) -> assertThat(numbers).as("order of %s", key).isSorted().doesNotHaveDuplicates());
        assertThat(broker.deadLetters(topic, "ordered").count(DeadLetterSelector.all())).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "NONE"})
    void keysAreHandledInParallelBeyondThePartitionCount(Ordering ordering) {
        String topic = createTopic(1);
        for (int i = 0; i < 16; i++) {
            broker.publish(topic, event(i, "k" + i));
        }
        broker.publish(topic, event(16, "k16")).join();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (Subscriber ignored = broker.subscribe(topic, "parallel", spec(ordering).concurrency(8), d -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            release.await(java.util.concurrent.TimeUnit.SECONDS.toMillis(20), java.util.concurrent.TimeUnit.MILLISECONDS);
            inFlight.decrementAndGet();
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> maxInFlight.get() >= 8);
            release.countDown();
        }
        assertThat(maxInFlight.get()).as("handlers at once on a 1-partition topic").isGreaterThanOrEqualTo(8);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"NONE"})
    void competingConsumersShareTheEventsAndEachIsAckedOnce(Ordering ordering) {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 200);
        Map<Integer, Integer> got = new ConcurrentHashMap<>();
        List<PullSubscriber> consumers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            consumers.add(broker.pullSubscriber(topic, "work", spec(ordering)));
        }
        Set<Integer> byConsumer = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (int c = 0; c < consumers.size(); c++) {
                for (Delivery d : consumers.get(c).poll(7, Duration.ofMillis(10))) {
                    got.merge(numberOf(d.event()), 1, Integer::sum);
                    byConsumer.add(c);
                    d.ack();
                }
            }
            return got.size() == 200;
        });
        consumers.forEach(PullSubscriber::close);
        assertThat(got.values()).allMatch(n -> n == 1);
        assertThat(byConsumer).hasSizeGreaterThan(1);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY"})
    void aParkedKeyWaitsForTheRedriveOfItsDeadLetterThenGoesOnInOrder(Ordering ordering) {
        String topic = createTopic(1);
        for (int i = 0; i < 6; i++) {
            broker.publish(topic, event(i, i % 2 == 0 ? "parked" : "free")).join();
        }
        SubscriptionSpec spec = spec(ordering).keyAfterDeadLetter(KeyAfterDeadLetter.PARK);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        Set<Integer> failOnce = ConcurrentHashMap.newKeySet();
        failOnce.add(0);
        try (Subscriber ignored = broker.subscribe(topic, "s", spec, d -> {
            int n = numberOf(d.event());
            if (failOnce.contains(n)) {
                throw new RejectException("not yet");
            }
            handled.add(n);
        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.containsAll(List.of(1, 3, 5)));
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.deadLetters(topic, "s").count(DeadLetterSelector.all()) == 1);
            assertThat(handled).doesNotContain(2, 4); // parked behind the dead letter
            failOnce.clear();
            broker.deadLetters(topic, "s").redrive(DeadLetterSelector.all(), io.herald.broker.RedriveTarget.subscription(),
                    io.herald.broker.DeadLetterQueue.Progress.NONE);
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.containsAll(List.of(0, 2, 4)));
        }
        List<Integer> parked = handled.stream().filter(n -> n % 2 == 0).toList();
        assertThat(parked).containsExactly(0, 2, 4);
        assertThat(broker.deadLetters(topic, "s").count(DeadLetterSelector.all())).isZero();
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void aRetryScheduleAndItsAttemptCountSurviveARestart(Ordering ordering) throws Exception {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 1);
        Instant nackedAt;
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            Delivery d = pollFor(consumer, 0);
            nackedAt = Instant.now();
            d.nack(Duration.ofMillis(1500));
        }
        restart();
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            Delivery again = pollFor(consumer, 0);
            assertThat(Duration.between(nackedAt, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
            assertThat(again.attempt()).isEqualTo(2);
            again.ack();
        }
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void statsCountWhatIsLeasedRetryingAndDeadLettered(Ordering ordering) {
        String topic = createTopic(1);
        publishNumbered(topic, 0, 3);
        try (PullSubscriber consumer = broker.pullSubscriber(topic, "s", spec(ordering))) {
            pollFor(consumer, 0).reject("no");
            Delivery retrying = pollFor(consumer, 1);
            retrying.nack(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var stats = broker.describeSubscription(topic, "s").stats();
                assertThat(stats.deadLettered()).isEqualTo(1);
                assertThat(stats.retrying()).isEqualTo(1);
            });
        }
    }

}
