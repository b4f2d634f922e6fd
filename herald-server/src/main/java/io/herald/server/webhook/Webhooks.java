package io.herald.server.webhook;

import io.herald.broker.Broker;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.Names;
import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.error.HeraldException;
import io.herald.error.InvalidSpecException;
import io.herald.http.WebhookConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhooks of the server's subscriptions: which subscription pushes its events to which HTTP
 * endpoint, kept durably and run on every server.
 *
 * <pre>
 *  put / remove ──append──▶ topic herald.server.webhooks ──follower (every server)──▶ fold ──▶ Pusher per webhook
 *        │                   (1 partition, fsync ALWAYS,                                        (push subscriber +
 *        └─ starts / stops the pusher here first           no retention limit)                  WebhookHandler)
 * </pre>
 *
 * The registry is the topic {@value #TOPIC}, written and read through the Broker API only, so it
 * is durable on either backend and, on Kafka, shared by every server of the cluster. Each change
 * is one event ({@link WebhookRecord}); at start the registry reads the topic from the earliest
 * event and folds it (the last change per subscription wins), then a follower thread goes on
 * reading, so a change made through another server takes effect here too. Every server runs a
 * {@link Pusher} per webhook: on Kafka they are members of the subscription's group and share
 * its work.
 *
 * <p>{@link #put} starts the pusher here before it stores anything, so the broker's objections
 * (an unknown topic, a subscription in use with another definition) reach the caller and nothing
 * is stored; then it appends the change and waits until the follower has read it back.
 *
 * <p>Lifecycle, one {@link State}: {@code RUNNING} from {@link #start} until {@link #close};
 * closing stops the follower and every pusher (calls in flight finish; deliveries waiting for
 * their destination end) and keeps the registry. Thread-safe: changes of one subscription are
 * serialised by a lock of its own; changes of different subscriptions run side by side.
 */
public final class Webhooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    /** The registry's topic. */
    public static final String TOPIC = "herald.server.webhooks";
    /** How long {@link #put} and {@link #remove} wait for the log to acknowledge, and then for the follower. */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #start} may take to read the registry. */
    static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_WAIT = Duration.ofMillis(200);
    private static final Duration RESTART_FIRST = Duration.ofSeconds(1);
    private static final Duration RESTART_MAX = Duration.ofMinutes(1);

    /** The lifecycle: one value, moved forward by compare-and-set. */
    public enum State { RUNNING, CLOSED }

    /**
     * What {@link #put} stored.
     *
     * @param config          the webhook as stored: its secret is always there
     * @param secretGenerated the server generated the secret in this call: the answer to the
     *                        {@code PUT} shows it ({@code WebhookJson.writeRevealingSecret}); no
     *                        later answer does
     */
    public record Stored(WebhookConfig config, boolean secretGenerated) {
    }

    /**
     * A webhook as this server runs it.
     *
     * @param failure why its pusher does not run on this server (it is started again, with
     *                backoff, until it does); empty while it runs
     */
    public record Webhook(String topic, String subscription, SubscriptionSpec spec, WebhookConfig config, Optional<String> failure) {
        public boolean running() {
            return failure.isEmpty();
        }
    }

    private record Key(String topic, String subscription) {
    }

    /** A webhook of the registry, and its pusher here (empty: not running, because of {@code failure}). */
    private record Entry(WebhookRecord.Put webhook, Optional<Pusher> pusher, Optional<String> failure, long retryAt, Duration backoff) {
    }

    private final Broker broker;
    private final MeterRegistry registry;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final HttpClient client;
    private final SecureRandom random = new SecureRandom();
    private final Destinations destinations = new Destinations();
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<Key, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<Key, WebhookMetrics> metrics = new ConcurrentHashMap<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    /**
     * Changes hold it shared, {@link #close} exclusively while it moves to {@code CLOSED}: a
     * change either completes before the close stops the pushers, or sees {@code CLOSED} and
     * starts nothing.
     */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final TopicReader reader;
    private final Thread follower;
    private final ReentrantLock appliedLock = new ReentrantLock();
    private final Condition advanced = appliedLock.newCondition();
    /** The offset of the next registry event the follower will apply. */
    private long applied;

    private Webhooks(Broker broker, MeterRegistry registry, Clock clock, LongSupplier nanoTime, HttpClient client) {
        this.broker = broker;
        this.registry = registry;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.client = client;
        this.reader = broker.reader(TOPIC, StartPosition.EARLIEST);
        this.follower = Thread.ofVirtual().name("herald-webhooks-follower").unstarted(this::follow);
    }

    /**
     * Creates the registry's topic if it is missing, reads it, starts a pusher for each webhook
     * (one that fails to start is started again later, see {@link Webhook#failure}) and follows
     * the topic from then on.
     */
    public static Webhooks start(Broker broker, MeterRegistry metrics, Clock clock) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        ensureTopic(broker);
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        Webhooks webhooks;
        try {
            webhooks = new Webhooks(broker, metrics, clock, System::nanoTime, client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        try {
            webhooks.catchUp();
            webhooks.follower.start();
        } catch (RuntimeException e) {
            webhooks.close();
            throw e;
        }
        return webhooks;
    }

    private static void ensureTopic(Broker broker) {
        try {
            // one partition keeps the changes in one order; fsync ALWAYS: a change acknowledged is on disk
            broker.createTopic(TOPIC, TopicSpec.partitions(1));
        } catch (TopicExistsException e) {
            // made by an earlier start, or by another server of the cluster
        }
    }

    /**
     * Makes the subscription push to the webhook: (re)starts the pusher here first (creating the
     * subscription with {@code spec} if it does not exist), so that the broker judges the
     * subscription before anything is stored; then stores the change durably and waits until the
     * follower has read it back. Every other server starts its own pusher when it reads the
     * change. A config without a secret keeps the webhook's current one, or gets a generated
     * one. Putting what is already there (and running) changes nothing and writes nothing.
     *
     * <p>Throws the broker's error when it refuses the subscription ({@code TopicNotFoundException},
     * {@code InvalidSpecException} for a definition in use or a bad spec), and a
     * {@code HeraldException} when the change cannot be stored; nothing is stored then, and the
     * webhook's previous state runs again.
     */
    public Stored put(String topic, String subscription, SubscriptionSpec spec, WebhookConfig config) {
        requireRunning();
        Names.requireValidTopic(topic);
        Names.requireValidSubscription(subscription);
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(config, "config");
        if (topic.equals(TOPIC)) {
            throw new InvalidSpecException("the topic '" + TOPIC + "' holds the webhooks' secrets; it cannot be pushed to a webhook");
        }
        spec.deadLetterTopicFor(topic, subscription);
        Key key = new Key(topic, subscription);
        ReentrantLock lock = lock(key);
        Position written;
        WebhookRecord.Put put;
        boolean generated;
        lifecycle.readLock().lock();
        lock.lock();
        try {
            requireRunning();
            Entry previous = entries.get(key);
            Optional<WebhookConfig.Secret> secret = config.secret()
                    .or(() -> Optional.ofNullable(previous).flatMap(p -> p.webhook().config().secret()));
            generated = secret.isEmpty();
            put = new WebhookRecord.Put(topic, subscription, spec, config.withSecret(secret.orElseGet(() -> WebhookConfig.Secret.generate(random))));
            if (previous != null && previous.webhook().equals(put) && previous.pusher().isPresent()) {
                return new Stored(put.config(), false);
            }
            // started before it is stored: the broker judges the subscription first
            try {
                run(key, put);
            } catch (RuntimeException e) {
                restore(key, previous);
                throw e;
            }
            try {
                written = append(put);
            } catch (RuntimeException e) {
                restore(key, previous);
                throw e;
            }
        } finally {
            lock.unlock();
            lifecycle.readLock().unlock();
        }
        awaitApplied(written);
        LOG.info("webhook of subscription '{}' on topic '{}' set: {}", subscription, topic, put.config());
        return new Stored(put.config(), generated);
    }

    /**
     * Stops the subscription's pushing (on every server) and forgets its webhook; the
     * subscription itself stays, with its cursor. Returns whether it had a webhook.
     */
    public boolean remove(String topic, String subscription) {
        requireRunning();
        Key key = new Key(topic, subscription);
        ReentrantLock lock = lock(key);
        Position written;
        lifecycle.readLock().lock();
        lock.lock();
        try {
            requireRunning();
            if (!entries.containsKey(key)) {
                return false;
            }
            written = append(new WebhookRecord.Removed(topic, subscription));
            forget(key);
        } finally {
            lock.unlock();
            lifecycle.readLock().unlock();
        }
        awaitApplied(written);
        LOG.info("webhook of subscription '{}' on topic '{}' removed", subscription, topic);
        return true;
    }

    /** Removes the webhooks of every subscription of a topic: call it before the topic is deleted. Returns how many. */
    public int removeTopic(String topic) {
        int removed = 0;
        for (Key key : List.copyOf(entries.keySet())) {
            if (key.topic().equals(topic) && remove(key.topic(), key.subscription())) {
                removed++;
            }
        }
        return removed;
    }

    /** The subscription's webhook, with its secret (answers show it through {@code WebhookJson.write}, which hides it). */
    public Optional<WebhookConfig> get(String topic, String subscription) {
        return Optional.ofNullable(entries.get(new Key(topic, subscription))).map(e -> e.webhook().config());
    }

    /** Every webhook, by topic and subscription, with whether it runs on this server. */
    public List<Webhook> list() {
        List<Webhook> all = new ArrayList<>();
        entries.forEach((k, e) -> all.add(new Webhook(k.topic(), k.subscription(), e.webhook().spec(), e.webhook().config(),
                e.failure())));
        all.sort(Comparator.comparing(Webhook::topic).thenComparing(Webhook::subscription));
        return all;
    }

    public State state() {
        return state.get();
    }

    /**
     * Stops following the registry and stops every pusher: calls in flight finish, deliveries
     * waiting for their destination end (and come again by their retry policy). The webhooks
     * stay registered: the next start runs them again. Calling it again does nothing.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!state.compareAndSet(State.RUNNING, State.CLOSED)) {
                return;
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        if (follower.isAlive()) {
            joinQuietly(follower);
        } else {
            closeReader();
        }
        List<Thread> stopping = new ArrayList<>();
        for (Key key : List.copyOf(entries.keySet())) {
            stopping.add(Thread.ofVirtual().name("herald-webhook-stop").start(() -> {
                ReentrantLock lock = lock(key);
                lock.lock();
                try {
                    Entry e = entries.get(key);
                    if (e != null) {
                        e.pusher().ifPresent(Webhooks::stopQuietly);
                    }
                } finally {
                    lock.unlock();
                }
            }));
        }
        stopping.forEach(Webhooks::joinQuietly);
        // every pusher has stopped, so no call is in flight: nothing is cut short
        client.shutdownNow();
    }

    // ---- applying changes (with the subscription's lock held)

    /** Makes {@code put} run here: stops a different pusher, starts this one. Throws the broker's refusal (the entry records it). */
    private void run(Key key, WebhookRecord.Put put) {
        Entry current = entries.get(key);
        if (current != null && current.webhook().equals(put) && current.pusher().isPresent()) {
            return;
        }
        if (current != null) {
            current.pusher().ifPresent(Webhooks::stopQuietly);
        }
        WebhookMetrics m = metrics.computeIfAbsent(key, k -> new WebhookMetrics(registry, k.topic(), k.subscription()));
        Pusher pusher = new Pusher(put, destinations, client, clock, nanoTime, m);
        try {
            pusher.start(broker);
        } catch (RuntimeException e) {
            Duration backoff = current != null && current.webhook().equals(put) && current.failure().isPresent()
                    ? min(current.backoff().multipliedBy(2), RESTART_MAX) : RESTART_FIRST;
            entries.put(key, new Entry(put, Optional.empty(), Optional.of(String.valueOf(e.getMessage())),
                    nanoTime.getAsLong() + backoff.toNanos(), backoff));
            throw e;
        }
        entries.put(key, new Entry(put, Optional.of(pusher), Optional.empty(), 0, RESTART_FIRST));
    }

    /** After a put that failed: what was there runs again (or nothing, if nothing was). */
    private void restore(Key key, Entry previous) {
        if (previous == null) {
            forget(key);
            return;
        }
        try {
            run(key, previous.webhook());
        } catch (RuntimeException e) {
            LOG.warn("webhook of subscription '{}' on topic '{}' did not start again after a failed change: {}",
                    key.subscription(), key.topic(), e.getMessage());
        }
    }

    private void forget(Key key) {
        Entry e = entries.remove(key);
        if (e != null) {
            e.pusher().ifPresent(Webhooks::stopQuietly);
        }
        WebhookMetrics m = metrics.remove(key);
        if (m != null) {
            m.remove();
        }
    }

    private void apply(WebhookRecord record) {
        Key key = new Key(record.topic(), record.subscription());
        ReentrantLock lock = lock(key);
        lifecycle.readLock().lock();
        lock.lock();
        try {
            if (state.get() != State.RUNNING) {
                return;
            }
            switch (record) {
                case WebhookRecord.Put put -> {
                    try {
                        run(key, put);
                    } catch (RuntimeException e) {
                        LOG.warn("webhook of subscription '{}' on topic '{}' did not start here: {}; trying again later",
                                key.subscription(), key.topic(), e.getMessage());
                    }
                }
                case WebhookRecord.Removed removed -> forget(key);
            }
        } finally {
            lock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /** Starts again, with backoff, the pushers that failed to start. */
    private void restartFailed() {
        long now = nanoTime.getAsLong();
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            if (entry.pusher().isEmpty() && now - entry.retryAt() >= 0) {
                ReentrantLock lock = lock(e.getKey());
                lifecycle.readLock().lock();
                lock.lock();
                try {
                    Entry current = entries.get(e.getKey());
                    if (state.get() == State.RUNNING && current != null && current.pusher().isEmpty()) {
                        run(e.getKey(), current.webhook());
                        LOG.info("webhook of subscription '{}' on topic '{}' started after {}", e.getKey().subscription(),
                                e.getKey().topic(), current.failure().orElse("a failure"));
                    }
                } catch (RuntimeException failure) {
                    LOG.debug("webhook of subscription '{}' on topic '{}' still does not start: {}", e.getKey().subscription(),
                            e.getKey().topic(), failure.getMessage());
                } finally {
                    lock.unlock();
                    lifecycle.readLock().unlock();
                }
            }
        }
    }

    // ---- the registry's topic

    private Position append(WebhookRecord record) {
        try {
            return broker.publish(TOPIC, WebhookRecord.encode(record)).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new HeraldException("storing the webhook of " + record.subject() + " in topic '" + TOPIC + "' failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new HeraldException("storing the webhook of " + record.subject() + " in topic '" + TOPIC
                    + "' was not acknowledged within " + WRITE_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeraldException("interrupted while storing the webhook of " + record.subject());
        }
    }

    /** Reads the registry up to its end as it is now, folds it, and starts a pusher per webhook. */
    private void catchUp() {
        long end = broker.describeTopic(TOPIC).partitions().getFirst().endOffset();
        Map<Key, WebhookRecord.Put> folded = new LinkedHashMap<>();
        long deadline = nanoTime.getAsLong() + CATCH_UP_TIMEOUT.toNanos();
        long position = reader.positions().getOrDefault(0, 0L);
        while (position < end) {
            if (nanoTime.getAsLong() - deadline > 0) {
                throw new HeraldException("reading the webhooks from topic '" + TOPIC + "' stopped at offset " + position
                        + " of " + end + " for " + CATCH_UP_TIMEOUT.toSeconds() + " s");
            }
            for (StoredEvent e : reader.poll(500, POLL_WAIT)) {
                decode(e).ifPresent(record -> {
                    Key key = new Key(record.topic(), record.subscription());
                    if (record instanceof WebhookRecord.Put put) {
                        folded.put(key, put);
                    } else {
                        folded.remove(key);
                    }
                });
            }
            position = reader.positions().getOrDefault(0, 0L);
        }
        markApplied(position);
        folded.values().forEach(this::apply);
        LOG.info("{} webhooks read from topic '{}' (offsets 0 to {})", folded.size(), TOPIC, position);
    }

    private void follow() {
        try {
            while (state.get() == State.RUNNING) {
                try {
                    for (StoredEvent e : reader.poll(100, POLL_WAIT)) {
                        decode(e).ifPresent(this::apply);
                        markApplied(e.position().offset() + 1);
                    }
                    restartFailed();
                } catch (BrokerClosedException e) {
                    if (state.get() == State.RUNNING) {
                        LOG.warn("the broker closed: webhooks no longer follow topic '{}'", TOPIC);
                    }
                    return;
                } catch (RuntimeException e) {
                    LOG.error("following topic '{}' failed; trying again in {}", TOPIC, RESTART_FIRST, e);
                    Thread.sleep(RESTART_FIRST);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeReader();
        }
    }

    private Optional<WebhookRecord> decode(StoredEvent e) {
        try {
            return Optional.of(WebhookRecord.decode(e.event()));
        } catch (WebhookRecord.MalformedRecordException m) {
            LOG.error("skipping the record at {} of topic '{}': {}", e.position(), TOPIC, m.getMessage());
            return Optional.empty();
        }
    }

    private void markApplied(long next) {
        appliedLock.lock();
        try {
            applied = Math.max(applied, next);
            advanced.signalAll();
        } finally {
            appliedLock.unlock();
        }
    }

    /** Waits until the follower has applied the change at {@code written} (this server already runs it; others may not yet). */
    private void awaitApplied(Position written) {
        long deadline = nanoTime.getAsLong() + WRITE_TIMEOUT.toNanos();
        appliedLock.lock();
        try {
            while (applied <= written.offset()) {
                long left = deadline - nanoTime.getAsLong();
                if (left <= 0 || state.get() != State.RUNNING) {
                    LOG.warn("the webhook change at {} of topic '{}' was not read back within {} s; it is stored and runs here",
                            written, TOPIC, WRITE_TIMEOUT.toSeconds());
                    return;
                }
                advanced.awaitNanos(Math.min(left, POLL_WAIT.toNanos()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            appliedLock.unlock();
        }
    }

    // ---- small parts

    private ReentrantLock lock(Key key) {
        return locks.computeIfAbsent(key, k -> new ReentrantLock());
    }

    private void requireRunning() {
        if (state.get() != State.RUNNING) {
            throw new IllegalStateException("the webhooks are closed (the server is stopping)");
        }
    }

    private void closeReader() {
        try {
            reader.close();
        } catch (RuntimeException e) {
            LOG.debug("closing the reader of topic '{}': {}", TOPIC, e.getMessage());
        }
    }

    private static void stopQuietly(Pusher pusher) {
        try {
            pusher.stop();
        } catch (RuntimeException e) {
            LOG.warn("webhook of subscription '{}' on topic '{}' did not stop cleanly: {}", pusher.webhook().subscription(),
                    pusher.webhook().topic(), e.getMessage());
        }
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
