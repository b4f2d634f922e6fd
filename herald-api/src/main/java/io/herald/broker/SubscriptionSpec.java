package io.herald.broker;

import io.herald.error.InvalidSpecException;
import io.herald.event.EventFilter;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a subscription hands out events. An immutable value with {@code with}-style copies:
 * {@code SubscriptionSpec.ordering(KEY).startAt(EARLIEST).filter("{\"type\": [\"order.placed\"]}").retry(RetryPolicy.maxAttempts(5))}.
 *
 * @param ordering           the order of deliveries; see {@link Ordering}
 * @param start              where a new subscription begins; ignored once it has a committed cursor
 * @param sessionTimeout     ({@code PARTITION}) how long a consumer may go without polling before
 *                           it is presumed dead and its partitions go to the others
 * @param filter             an event pattern; events that do not match are skipped without a delivery
 * @param retry              what a failed delivery leads to
 * @param deadLetterTopic    where dead letters go; empty = {@code <topic>.<subscription>.dlq}
 * @param leaseDuration      ({@code KEY}, {@code NONE}) how long a delivery stays with its
 *                           consumer before it is handed to another (SQS's visibility timeout)
 * @param concurrency        ({@code KEY}, {@code NONE}) deliveries a push consumer works on at once
 * @param keyAfterDeadLetter ({@code KEY}) whether a key goes on after one of its events is dead-lettered
 */
public record SubscriptionSpec(Ordering ordering, StartPosition start, Duration sessionTimeout, Optional<String> filter,
                               RetryPolicy retry, Optional<String> deadLetterTopic, Duration leaseDuration, int concurrency,
                               KeyAfterDeadLetter keyAfterDeadLetter) {

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration MIN_SESSION_TIMEOUT = Duration.ofMillis(100);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration MIN_LEASE = Duration.ofMillis(10);
    public static final int DEFAULT_CONCURRENCY = 16;
    public static final int MAX_CONCURRENCY = 10_000;

    public SubscriptionSpec {
        Objects.requireNonNull(ordering, "ordering");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(keyAfterDeadLetter, "keyAfterDeadLetter");
        if (sessionTimeout.compareTo(MIN_SESSION_TIMEOUT) < 0) {
            throw new InvalidSpecException("session timeout must be at least " + MIN_SESSION_TIMEOUT.toMillis()
                    + " ms, got " + sessionTimeout.toMillis() + " ms");
        }
        if (leaseDuration.compareTo(MIN_LEASE) < 0) {
            throw new InvalidSpecException("lease duration must be at least " + MIN_LEASE.toMillis()
                    + " ms, got " + leaseDuration.toMillis() + " ms");
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new InvalidSpecException("concurrency must be between 1 and " + MAX_CONCURRENCY + ", got " + concurrency);
        }
        filter.ifPresent(EventFilter::compile);
        deadLetterTopic.ifPresent(Names::requireValidTopic);
    }

    /** Partition order from the latest event, the default retry policy, 10 s sessions, 30 s leases. */
    public static SubscriptionSpec defaults() {
        return new SubscriptionSpec(Ordering.PARTITION, StartPosition.LATEST, DEFAULT_SESSION_TIMEOUT, Optional.empty(),
                RetryPolicy.DEFAULT, Optional.empty(), DEFAULT_LEASE, DEFAULT_CONCURRENCY, KeyAfterDeadLetter.CONTINUE);
    }

    public static SubscriptionSpec ordering(Ordering ordering) {
        return defaults().withOrdering(ordering);
    }

    public SubscriptionSpec withOrdering(Ordering value) {
        return new SubscriptionSpec(value, start, sessionTimeout, filter, retry, deadLetterTopic, leaseDuration, concurrency, keyAfterDeadLetter);
    }

    public SubscriptionSpec startAt(StartPosition value) {
        return new SubscriptionSpec(ordering, value, sessionTimeout, filter, retry, deadLetterTopic, leaseDuration, concurrency, keyAfterDeadLetter);
    }

    public SubscriptionSpec sessionTimeout(Duration value) {
        return new SubscriptionSpec(ordering, start, value, filter, retry, deadLetterTopic, leaseDuration, concurrency, keyAfterDeadLetter);
    }

    /** Only events that match this EventBridge pattern are delivered (see {@link EventFilter}). */
    public SubscriptionSpec filter(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return new SubscriptionSpec(ordering, start, sessionTimeout, Optional.of(pattern), retry, deadLetterTopic, leaseDuration, concurrency, keyAfterDeadLetter);
    }

    public SubscriptionSpec retry(RetryPolicy value) {
        return new SubscriptionSpec(ordering, start, sessionTimeout, filter, value, deadLetterTopic, leaseDuration, concurrency, keyAfterDeadLetter);
    }

    /** Shorthand for {@code retry(retry().withMaxAttempts(attempts))}. */
    public SubscriptionSpec maxAttempts(int attempts) {
        return retry(retry.withMaxAttempts(attempts));
    }

    public SubscriptionSpec deadLetterTopic(String topic) {
        Objects.requireNonNull(topic, "topic");
        return new SubscriptionSpec(ordering, start, sessionTimeout, filter, retry, Optional.of(topic), leaseDuration, concurrency, keyAfterDeadLetter);
    }

    public SubscriptionSpec leaseDuration(Duration value) {
        return new SubscriptionSpec(ordering, start, sessionTimeout, filter, retry, deadLetterTopic, value, concurrency, keyAfterDeadLetter);
    }

    public SubscriptionSpec concurrency(int value) {
        return new SubscriptionSpec(ordering, start, sessionTimeout, filter, retry, deadLetterTopic, leaseDuration, value, keyAfterDeadLetter);
    }

    public SubscriptionSpec keyAfterDeadLetter(KeyAfterDeadLetter value) {
        return new SubscriptionSpec(ordering, start, sessionTimeout, filter, retry, deadLetterTopic, leaseDuration, concurrency, value);
    }

    /**
     * Whether the two specs define the same subscription: what decides how its events are
     * handed out and failed (ordering, filter, retry policy, dead-letter topic, lease, what a
     * key does after a dead letter). The start matters only when a subscription is created; the
     * session timeout and concurrency belong to each consumer.
     */
    public boolean definesSameAs(SubscriptionSpec other, String topic, String subscription) {
        return ordering == other.ordering && filter.equals(other.filter) && retry.equals(other.retry)
                && deadLetterTopicFor(topic, subscription).equals(other.deadLetterTopicFor(topic, subscription))
                && leaseDuration.equals(other.leaseDuration) && keyAfterDeadLetter == other.keyAfterDeadLetter;
    }

    /**
     * The refusal when a consumer brings another definition while the subscription is in use:
     * both backends say it in these words.
     */
    public static InvalidSpecException inUseWithAnotherDefinition(String topic, String subscription, SubscriptionSpec stored,
                                                                  SubscriptionSpec wanted) {
        return new InvalidSpecException("subscription '" + subscription + "' on topic '" + topic
                + "' is in use with another definition (" + stored.summary() + "); close its consumers to change it to ("
                + wanted.summary() + ")");
    }

    /** The definition in a few words, for messages. */
    public String summary() {
        return "ordering " + ordering + ", filter " + filter.orElse("none") + ", " + retry.maxAttempts()
                + " attempts, lease " + leaseDuration.toMillis() + " ms";
    }

    /** The dead-letter topic of this subscription on {@code topic}. */
    public String deadLetterTopicFor(String topic, String subscription) {
        String name = deadLetterTopic.orElseGet(() -> DeadLetters.defaultTopic(topic, subscription));
        if (name.equals(topic)) {
            throw new InvalidSpecException("subscription '" + subscription + "' cannot use its own topic '" + topic
                    + "' as its dead-letter topic: dead letters would be delivered to it again");
        }
        return name;
    }
}
