package io.herald.bench;

import io.herald.bench.BrokerUnderTest.AckedHandler;
import io.herald.bench.BrokerUnderTest.Verdict;
import io.herald.broker.Broker;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Ordering;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumers of a reliable-delivery run on the Broker API, whichever backend is behind it (the
 * embedded broker, or Herald's Kafka backend): PARTITION = {@code consumers} push subscribers of
 * one subscription (each owns some of the partitions; those beyond the partition count stand
 * by); KEY and NONE = one push subscriber with {@code concurrency = consumers}, as an application
 * would run it. The handler's verdict is given with an explicit {@code ack()}, {@code nack()} or
 * {@code reject()} (the push consumer's own ack after the handler returns is then a no-op).
 */
final class AckedSubscribers {

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    private AckedSubscribers() {
    }

    /** Returns once every PARTITION subscriber is in the group and every partition has an owner; closing closes them all. */
    static AutoCloseable open(Broker broker, String topic, String subscription, Ordering ordering, int consumers,
                              SubscriptionSpec spec, AckedHandler handler) throws InterruptedException {
        DeliveryHandler h = delivery -> {
            var event = delivery.event();
            Verdict verdict = handler.handle(event, delivery.attempt());
            switch (verdict) {
                case ACK -> delivery.ack();
                case NACK -> delivery.nack();
                case REJECT -> delivery.reject("rejected by the bench");
            }
            handler.ended(event, verdict);
        };
        List<Subscriber> subscribers = new ArrayList<>();
        AutoCloseable closer = () -> {
            // in parallel: each close waits for its handler calls to return
            List<Thread> closing = subscribers.stream().map(s -> Thread.ofVirtual().start(s::close)).toList();
            for (Thread t : closing) {
                t.join();
            }
        };
        try {
            if (ordering == Ordering.PARTITION) {
                for (int i = 0; i < consumers; i++) {
                    subscribers.add(broker.subscribe(topic, subscription, spec.concurrency(1), h));
                }
                awaitOwners(broker, topic, subscription, consumers);
            } else {
                subscribers.add(broker.subscribe(topic, subscription, spec.concurrency(consumers), h));
            }
        } catch (RuntimeException | InterruptedException e) {
            try {
                closer.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return closer;
    }

    static SubscriptionSpec spec(Ordering ordering, Duration lease) {
        return SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).retry(HeraldUnderTest.IMMEDIATE_RETRY)
                .leaseDuration(lease);
    }

    /** Waits until the group has all its members and every partition has an owner. */
    private static void awaitOwners(Broker broker, String topic, String subscription, int members) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        while (true) {
            SubscriptionInfo info = broker.describeSubscription(topic, subscription);
            if (info.members().size() == members && info.cursors().stream().allMatch(c -> c.owner().isPresent())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("subscription " + subscription + " has " + info.members().size() + " of "
                        + members + " members and owners " + info.cursors() + " after " + JOIN_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(5);
        }
    }
}
