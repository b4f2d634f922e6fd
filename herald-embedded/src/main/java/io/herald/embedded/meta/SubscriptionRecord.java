package io.herald.embedded.meta;

import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A subscription's definition as the metadata log stores it (JSON). Settings added after a
 * record was written read back as their defaults.
 */
public record SubscriptionRecord(String topic, String name, String ordering, String start, long sessionTimeoutMillis,
                                 long createdAt, String filter, Integer maxAttempts, Long initialBackoffMillis,
                                 Double backoffMultiplier, Long maxBackoffMillis, List<String> permanentErrors,
                                 String deadLetterTopic, Long leaseMillis, Integer concurrency, String keyAfterDeadLetter) {

    public static SubscriptionRecord of(String topic, String name, SubscriptionSpec spec, long createdAt) {
        RetryPolicy r = spec.retry();
        return new SubscriptionRecord(topic, name, spec.ordering().name(), spec.start().toString(),
                spec.sessionTimeout().toMillis(), createdAt, spec.filter().orElse(null), r.maxAttempts(),
                r.initialBackoff().toMillis(), r.multiplier(), r.maxBackoff().toMillis(), List.copyOf(r.permanentErrors()),
                spec.deadLetterTopicFor(topic, name), spec.leaseDuration().toMillis(), spec.concurrency(),
                spec.keyAfterDeadLetter().name());
    }

    public SubscriptionSpec toSpec() {
        SubscriptionSpec d = SubscriptionSpec.defaults();
        RetryPolicy dr = d.retry();
        RetryPolicy retry = new RetryPolicy(
                maxAttempts != null ? maxAttempts : dr.maxAttempts(),
                initialBackoffMillis != null ? Duration.ofMillis(initialBackoffMillis) : dr.initialBackoff(),
                backoffMultiplier != null ? backoffMultiplier : dr.multiplier(),
                maxBackoffMillis != null ? Duration.ofMillis(maxBackoffMillis) : dr.maxBackoff(),
                permanentErrors != null ? Set.copyOf(permanentErrors) : dr.permanentErrors());
        return new SubscriptionSpec(Ordering.valueOf(ordering), StartPosition.parse(start), Duration.ofMillis(sessionTimeoutMillis),
                Optional.ofNullable(filter), retry, Optional.ofNullable(deadLetterTopic),
                leaseMillis != null ? Duration.ofMillis(leaseMillis) : d.leaseDuration(),
                concurrency != null ? concurrency : d.concurrency(),
                keyAfterDeadLetter != null ? KeyAfterDeadLetter.valueOf(keyAfterDeadLetter) : d.keyAfterDeadLetter());
    }
}
