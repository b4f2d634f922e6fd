package io.herald.server.webhook;

import io.herald.http.WebhookConfig;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP destination (scheme, host and port) that webhooks call, with what protects it: its
 * {@link CircuitBreaker} and its {@link TokenBucket}. Webhooks whose URLs share a destination share
 * both, so two subscriptions cannot together exceed what one of them says the destination takes.
 * When their settings differ the strictest wins: the lowest rate, the fewest failures and the
 * longest {@code openFor}.
 *
 * <p>Callers that wait for it ({@link #await}) are woken when the breaker changes state and when a
 * webhook stops ({@link #wake}). Thread-safe: one lock guards the breaker, the bucket and the
 * users.
 */
final class Destination {

    /** What identifies a destination. */
    record Key(String scheme, String host, int port) {
        static Key of(URI url) {
            String scheme = url.getScheme().toLowerCase(Locale.ROOT);
            int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
            return new Key(scheme, url.getHost().toLowerCase(Locale.ROOT), port);
        }

        @Override
        public String toString() {
            return scheme + "://" + (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final Key key;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Object, WebhookConfig> users = new HashMap<>();
    private final CircuitBreaker breaker = new CircuitBreaker(WebhookConfig.Breaker.DEFAULT.failures(),
            WebhookConfig.Breaker.DEFAULT.openFor());
    private TokenBucket bucket;

    Destination(Key key) {
        this.key = key;
    }

    Key key() {
        return key;
    }

    /** A webhook calls this destination from now on with these settings. */
    void attach(Object user, WebhookConfig config) {
        lock.lock();
        try {
            users.put(user, config);
            reconfigure();
        } finally {
            lock.unlock();
        }
    }

    /** The webhook no longer calls it; returns whether any webhook still does. */
    boolean detach(Object user) {
        lock.lock();
        try {
            users.remove(user);
            if (!users.isEmpty()) {
                reconfigure();
            }
            return !users.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private void reconfigure() {
        int failures = Integer.MAX_VALUE;
        Duration openFor = Duration.ZERO;
        double rate = Double.POSITIVE_INFINITY;
        for (WebhookConfig c : users.values()) {
            failures = Math.min(failures, c.circuitBreaker().failures());
            openFor = openFor.compareTo(c.circuitBreaker().openFor()) >= 0 ? openFor : c.circuitBreaker().openFor();
            rate = Math.min(rate, c.ratePerSecond().orElse(Double.POSITIVE_INFINITY));
        }
        breaker.configure(failures, openFor);
        if (Double.isInfinite(rate)) {
            bucket = null;
        } else if (bucket == null) {
            bucket = new TokenBucket(rate);
        } else {
            bucket.rate(rate);
        }
    }

    CircuitBreaker.Permit permit(long now) {
        lock.lock();
        try {
            return breaker.permit(now);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the next rate slot; returns the nanoseconds until it comes (0 without a rate limit). */
    long reserve(long now) {
        lock.lock();
        try {
            return bucket == null ? 0 : bucket.reserve(now);
        } finally {
            lock.unlock();
        }
    }

    void cancel(long slot) {
        lock.lock();
        try {
            if (bucket != null) {
                bucket.cancel(slot);
            }
        } finally {
            lock.unlock();
        }
    }

    void succeeded(CircuitBreaker.Permit permit, long now) {
        update(() -> breaker.succeeded(permit, now));
    }

    void failed(CircuitBreaker.Permit permit, long now) {
        update(() -> breaker.failed(permit, now));
    }

    void abandoned(CircuitBreaker.Permit permit, long now) {
        update(() -> breaker.abandoned(permit, now));
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            CircuitBreaker.State before = breaker.state();
            change.run();
            if (before.getClass() != breaker.state().getClass()) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    CircuitBreaker.State state() {
        lock.lock();
        try {
            return breaker.state();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos}, or until the breaker changes state or {@link #wake} is called. */
    void await(long nanos) throws InterruptedException {
        lock.lock();
        try {
            changed.await(nanos, TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting caller, so that a stopping webhook's callers see it at once. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return key.toString();
    }
}
