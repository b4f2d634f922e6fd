package io.herald.server.subscription;

import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.server.http.Drain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's pull consumer of each subscription that HTTP clients receive from: one per
 * subscription and server, opened on the first receive with the subscription's stored spec,
 * shared by every long poll and stream of it. A {@link PullSubscriber} takes one poller at a
 * time, so polls take turns in short slices: a 20-second long poll does not hold the others
 * back for 20 seconds.
 *
 * <p>Thread-safe.
 */
final class Receivers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Receivers.class);
    static final Duration SLICE = Duration.ofMillis(100);

    private final Broker broker;
    private final Drain drain;
    private final Map<Key, Receiver> receivers = new ConcurrentHashMap<>();

    Receivers(Broker broker, Drain drain) {
        this.broker = broker;
        this.drain = drain;
    }

    private record Key(String topic, String subscription) {
    }

    /** The subscription's receiver; a {@link io.herald.broker.SubscriptionNotFoundException} if it was never created. */
    Receiver get(String topic, String subscription) {
        Key key = new Key(topic, subscription);
        Receiver existing = receivers.get(key);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            return receivers.computeIfAbsent(key, k -> {
                SubscriptionSpec spec = broker.describeSubscription(topic, subscription).spec();
                return new Receiver(broker.pullSubscriber(topic, subscription, spec), spec);
            });
        }
    }

    /** Closes the subscription's receiver, if this server has one (before its spec changes or it is reset or deleted). */
    void close(String topic, String subscription) {
        Receiver r = receivers.remove(new Key(topic, subscription));
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void close() {
        new ArrayList<>(receivers.keySet()).forEach(k -> close(k.topic(), k.subscription()));
    }

    /** One subscription's pull consumer, polled by one request at a time. */
    final class Receiver {
        private final PullSubscriber subscriber;
        private final ReentrantLock lock = new ReentrantLock(true);
        private final java.util.ArrayDeque<Delivery> givenBack = new java.util.ArrayDeque<>();
        private final SubscriptionSpec spec;
        private volatile boolean closed;

        Receiver(PullSubscriber subscriber, SubscriptionSpec spec) {
            this.subscriber = subscriber;
            this.spec = spec;
        }

        SubscriptionSpec spec() {
            return spec;
        }

        boolean closed() {
            return closed;
        }

        /**
         * Up to {@code max} deliveries, waiting up to {@code wait} for the first, in slices so that
         * other requests get their turn; returns early (maybe empty) once the server drains.
         */
        List<Delivery> poll(int max, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                Duration slice = Duration.ofNanos(Math.max(0, Math.min(left, SLICE.toNanos())));
                List<Delivery> got;
                lock.lock();
                try {
                    if (closed) {
                        return List.of();
                    }
                    got = takeGivenBack(max);
                    if (got.isEmpty()) {
                        got = subscriber.poll(max, slice);
                    }
                } catch (RuntimeException e) {
                    // the topic or subscription went away, or the broker is closing: a later receive opens anew
                    Receivers.this.receivers.remove(new Key(subscriber.topic(), subscriber.subscription()), this);
                    closeQuietly();
                    throw e;
                } finally {
                    lock.unlock();
                }
                if (!got.isEmpty() || left <= 0 || drain.started()) {
                    return got;
                }
            }
        }

        /**
         * Deliveries polled but handed to no one (their client went away first): the next poll
         * hands them out, while their leases run, instead of leaving them to expire.
         */
        void giveBack(List<Delivery> deliveries) {
            lock.lock();
            try {
                givenBack.addAll(deliveries);
            } finally {
                lock.unlock();
            }
        }

        private List<Delivery> takeGivenBack(int max) {
            if (givenBack.isEmpty()) {
                return List.of();
            }
            java.time.Instant now = java.time.Instant.now();
            List<Delivery> out = new ArrayList<>();
            while (out.size() < max && !givenBack.isEmpty()) {
                Delivery d = givenBack.pollFirst();
                if (d.leaseDeadline().isAfter(now.plusSeconds(1))) {
                    out.add(d);
                }
            }
            return out;
        }

        void close() {
            lock.lock();
            try {
                closeQuietly();
            } finally {
                lock.unlock();
            }
        }

        private void closeQuietly() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                subscriber.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the server's consumer of '{}' failed: {}", subscriber.subscription(), e.getMessage());
            }
        }
    }
}
