package io.herald.kafka.dispatch;

import io.herald.broker.Position;
import io.herald.broker.SubscriptionSpec;
import io.herald.delivery.DeadLetterWrite;
import io.herald.delivery.Entry;
import io.herald.delivery.FailureRecord;
import io.herald.delivery.Window;
import io.herald.event.Event;
import io.herald.kafka.failure.FailureLog;
import io.herald.kafka.state.StateRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Window}'s writes for a {@link Dispatcher}, to the subscription's state topic (retry
 * schedules, parked keys, the ends of facts) and dead-letter topic. What a write's completion
 * tells the window, it tells under the dispatcher's lock, and not once the dispatcher closed.
 */
final class WindowWrites implements Window.Effects {

    /** The dispatcher's side: its window, and whether it closed; both read under its lock. */
    interface Engine {
        Window window();

        boolean closed();
    }

    /** Under the dispatcher's name: these are its writes. */
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Writes' completions take the lock here, never on the producer's I/O thread. */
    private static final Executor CALLBACKS = Executors.newVirtualThreadPerTaskExecutor();

    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final FailureLog failures;
    private final Clock clock;
    private final ReentrantLock lock;
    private final Condition changed;
    private final Engine engine;

    WindowWrites(String topic, String subscription, SubscriptionSpec spec, FailureLog failures, Clock clock, ReentrantLock lock,
                 Condition changed, Engine engine) {
        this.topic = topic;
        this.subscription = subscription;
        this.spec = spec;
        this.failures = failures;
        this.clock = clock;
        this.lock = lock;
        this.changed = changed;
        this.engine = engine;
    }

    @Override
    public boolean recordRetry(Entry e, int epoch) {
        StateRecord.Retry fact = StateRecord.Retry.of(e.partition(), source(e), e.offset(), e.failures(), Instant.ofEpochMilli(e.dueAt()));
        CompletableFuture<?> write = failures.retry(fact).whenComplete((m, error) -> {
            if (error != null) {
                LOG.warn("subscription '{}' on '{}': the retry schedule of {} was not written ({}); it is kept in memory only",
                        subscription, topic, e, error.getMessage());
            }
        });
        afterWrite(write, () -> engine.window().recorded(e, epoch, clock.millis()));
        return false;
    }

    @Override
    public void deadLetter(Entry e, int epoch, String reason) {
        Event event = e.stored().event();
        Position original = e.originalPosition();
        FailureRecord failed = e.failures();
        StateRecord.Retry fact = StateRecord.Retry.of(e.partition(), source(e), e.offset(), failed, Instant.ofEpochMilli(e.dueAt()));
        // the event is not done until its dead letter is written: tried again while it is ours,
        // and looked for first whenever an earlier write may have landed
        DeadLetterWrite.exactlyOnce(failures.intent(fact, reason, original, e.resumedIntent()), e.resumedIntent() != null,
                () -> failures.deadLetter(event, original, failed, reason),
                () -> {
                    lock.lock();
                    try {
                        return !engine.closed() && Window.awaitsDeadLetter(e, epoch);
                    } finally {
                        lock.unlock();
                    }
                },
                error -> LOG.warn("subscription '{}' on '{}': cannot write the dead letter of {} to '{}'; trying again in {}: {}",
                        subscription, topic, e, spec.deadLetterTopicFor(topic, subscription), DeadLetterWrite.RETRY_DELAY,
                        error.toString()))
                .thenAccept(written -> {
                    if (!written) {
                        return;
                    }
                    lock.lock();
                    try {
                        if (!engine.closed()) {
                            engine.window().deadLettered(e, epoch, clock.millis());
                            changed.signalAll();
                        }
                    } finally {
                        lock.unlock();
                    }
                });
    }

    /**
     * A redriven event's facts end at once (no commit covers a redrive); an event of the topic
     * keeps its Retry fact until a durable commit passes it ({@link #forgotten}).
     */
    @Override
    public void settled(Entry e, boolean deadLettered) {
        if (!e.isRedrive()) {
            return;
        }
        if (e.isRecorded()) {
            failures.end(e.partition(), StateRecord.retryKey(StateRecord.Source.REDRIVE, e.offset()));
        }
        failures.end(e.partition(), e.redriveKey());
    }

    @Override
    public void forgotten(int partition, long offset) {
        failures.end(partition, StateRecord.retryKey(StateRecord.Source.TOPIC, offset));
    }

    @Override
    public void parked(Entry e) {
        failures.park(new StateRecord.Park(e.partition(), e.key(), e.offset()));
    }

    @Override
    public void unparked(int partition, String key) {
        failures.end(partition, new StateRecord.Park(partition, key, 0).key());
    }

    private void afterWrite(CompletableFuture<?> write, Runnable then) {
        write.whenCompleteAsync((ignored, error) -> {
            lock.lock();
            try {
                if (!engine.closed()) {
                    then.run();
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }, CALLBACKS);
    }

    private static StateRecord.Source source(Entry e) {
        return e.isRedrive() ? StateRecord.Source.REDRIVE : StateRecord.Source.TOPIC;
    }
}
