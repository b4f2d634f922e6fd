package io.herald.delivery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes one dead letter until the backend has it: the one failure path of both backends'
 * engines. The event is not done until its dead letter is written, so a failed write is tried
 * again after a pause for as long as the event is still the caller's (its partition not revoked,
 * its lease not moved on).
 *
 * <p>With an {@link Intent}, the dead letter is written once: the intent is made durable before
 * the first write, and whenever a write may already have landed — after a failed write (a timeout
 * says nothing of the record), or when a new owner resumes an intent it found — the topic is
 * looked at past the intent's ends before writing again.
 *
 * <p>Nothing here runs on the thread that completed the write, or waits on any thread: that
 * thread is often a storage thread (on Kafka the internal producer's I/O thread, through which
 * every internal write of the broker goes), so a pause there would stall every write while one
 * dead-letter topic is unwritable. Outcomes run on virtual threads and the pause is a timer.
 */
public final class DeadLetterWrite {

    /** The pause between attempts: long enough not to spin on a broken topic, short next to a lease. */
    public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private static final Executor CALLBACKS = Executors.newVirtualThreadPerTaskExecutor();

    /** How a backend records a dead letter's {@link DeadLetterIntent} and looks for the dead letter after it. */
    public interface Intent {
        /** Records the intent, with the dead-letter topic's ends now; completes once it is durable. */
        CompletableFuture<?> record();

        /** Whether a dead letter of the event is in the topic past the recorded intent's ends. */
        CompletableFuture<Boolean> written();
    }

    private final Intent intent;
    private final Supplier<CompletableFuture<?>> write;
    private final BooleanSupplier stillOurs;
    private final Consumer<Throwable> failed;
    private final Executor afterPause;
    private final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    /** Whether the intent is durable; attempts run one after another, each after the last completed. */
    private volatile boolean intentRecorded;
    /** Whether the dead letter may be in the topic already: look before writing. */
    private volatile boolean mayBeWritten;

    private DeadLetterWrite(Intent intent, boolean resumed, Supplier<CompletableFuture<?>> write, BooleanSupplier stillOurs,
                            Consumer<Throwable> failed, Duration pause) {
        this.intent = intent;
        this.intentRecorded = resumed;
        this.mayBeWritten = resumed;
        this.write = write;
        this.stillOurs = stillOurs;
        this.failed = failed;
        this.afterPause = CompletableFuture.delayedExecutor(pause.toNanos(), TimeUnit.NANOSECONDS, CALLBACKS);
    }

    /**
     * Starts writing: {@code write} sends the dead letter once per attempt; {@code stillOurs} says
     * whether to go on after a failure; {@code failed} hears of each failed attempt (to log it).
     * The future completes with true once a write succeeded, with false when the event stopped
     * being the caller's first; it never completes exceptionally.
     */
    public static CompletableFuture<Boolean> start(Supplier<CompletableFuture<?>> write, BooleanSupplier stillOurs,
                                                   Consumer<Throwable> failed) {
        return start(null, false, write, stillOurs, failed, RETRY_DELAY);
    }

    /**
     * The same, written once across crashes: {@code intent} is recorded before the first write,
     * or, if {@code resumed} (an earlier owner recorded it), the topic is looked at first.
     */
    public static CompletableFuture<Boolean> exactlyOnce(Intent intent, boolean resumed, Supplier<CompletableFuture<?>> write,
                                                         BooleanSupplier stillOurs, Consumer<Throwable> failed) {
        return start(intent, resumed, write, stillOurs, failed, RETRY_DELAY);
    }

    static CompletableFuture<Boolean> start(Intent intent, boolean resumed, Supplier<CompletableFuture<?>> write, BooleanSupplier stillOurs,
                                            Consumer<Throwable> failed, Duration pause) {
        DeadLetterWrite w = new DeadLetterWrite(intent, resumed, write, stillOurs, failed, pause);
        w.attempt();
        return w.outcome;
    }

    /** One try: the intent if not yet durable, a look if the dead letter may be there, then the write. */
    private CompletableFuture<?> once() {
        if (intent == null) {
            return write.get();
        }
        // each step goes on off the thread that completed the one before: on Kafka the intent's
        // record completes on the internal producer's I/O thread, and a send from there waits for
        // metadata that only that thread can fetch
        if (!intentRecorded) {
            return intent.record().thenComposeAsync(recorded -> {
                intentRecorded = true;
                mayBeWritten = true; // from here on, a failed write may have landed
                return write.get();
            }, CALLBACKS);
        }
        if (mayBeWritten) {
            return intent.written().thenComposeAsync(found -> found ? CompletableFuture.completedFuture(null) : write.get(), CALLBACKS);
        }
        return write.get();
    }

    private void attempt() {
        CompletableFuture<?> sent;
        try {
            sent = once();
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenCompleteAsync((ignored, error) -> {
            if (error == null) {
                outcome.complete(true);
            } else if (!stillOurs.getAsBoolean()) {
                outcome.complete(false);
            } else {
                try {
                    failed.accept(error);
                } finally {
                    CompletableFuture.runAsync(this::again, afterPause);
                }
            }
        }, CALLBACKS);
    }

    private void again() {
        if (stillOurs.getAsBoolean()) {
            attempt();
        } else {
            outcome.complete(false);
        }
    }
}
