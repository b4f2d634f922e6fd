package io.herald.broker.spi;

import io.herald.broker.Delivery;
import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.Event;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What every backend's {@link Delivery} shares: the event and its attempt, the arguments checked
 * once, and the rule that the first verdict counts. A verdict ({@code ack}, {@code nack},
 * {@code reject}, or a push handler's failure) claims the delivery with one compare-and-set, so
 * of two verdicts racing on two threads exactly one reaches its hook; the others, and any verdict
 * after it, do nothing. What a verdict does, and what holds the lease, is the subclass's.
 *
 * <p>A bad argument is refused whether or not the delivery has ended: it is the caller's mistake
 * either way. An {@code extend} after the verdict does nothing, as there is no lease left to keep;
 * one racing a verdict may still reach {@link #onExtend}, so a backend must ignore an extension of
 * a lease that has already ended (the engines' epochs do).
 *
 * <p>Thread-safe, if the hooks are.
 */
public abstract class AbstractDelivery implements Delivery {

    /** Where a delivery is in its life: open until its first verdict, which it then records. */
    protected enum State {
        OPEN,
        ACKED,
        /** Nacked by the consumer, or its push handler failed. */
        NACKED,
        REJECTED
    }

    /** The reason of a {@code reject} without one. */
    static final String DEFAULT_REASON = "rejected";

    // a VarHandle rather than an AtomicReference: one object fewer per delivery, of which there are many
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AbstractDelivery.class, "state", State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String topic;
    private final String subscription;
    private final StoredEvent stored;
    private final int attempt;
    private volatile State state = State.OPEN;

    /**
     * @param topic the subscription's topic; a redriven dead letter is stored in another one
     * @param stored the event as handed out: its position is the one {@link #position()} names
     */
    protected AbstractDelivery(String topic, String subscription, StoredEvent stored, int attempt) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.subscription = Objects.requireNonNull(subscription, "subscription");
        this.stored = Objects.requireNonNull(stored, "stored");
        this.attempt = attempt;
    }

    @Override
    public final Event event() {
        return stored.event();
    }

    @Override
    public final String topic() {
        return topic;
    }

    @Override
    public final String subscription() {
        return subscription;
    }

    @Override
    public final Position position() {
        return stored.position();
    }

    @Override
    public final Instant appendTime() {
        return stored.appendTime();
    }

    @Override
    public final int attempt() {
        return attempt;
    }

    protected final StoredEvent stored() {
        return stored;
    }

    protected final State state() {
        return state;
    }

    @Override
    public final void ack() {
        if (end(State.ACKED)) {
            onAck();
        }
    }

    @Override
    public final void nack() {
        if (end(State.NACKED)) {
            onNack(null, null);
        }
    }

    @Override
    public final void nack(Duration delay) {
        requireNotNegative(delay, "delay", "a nack delay cannot be negative, got ");
        if (end(State.NACKED)) {
            onNack(delay, null);
        }
    }

    @Override
    public final void reject(String reason) {
        if (end(State.REJECTED)) {
            onReject(reason == null || reason.isBlank() ? DEFAULT_REASON : reason);
        }
    }

    @Override
    public final void extend(Duration by) {
        requireNotNegative(by, "by", "a lease extension cannot be negative, got ");
        if (state == State.OPEN) {
            onExtend(by);
        }
    }

    /** A push handler's failure ({@link HandlerCall}): a nack that the retry policy judges with the exception. */
    final void fail(Throwable error) {
        Objects.requireNonNull(error, "error");
        if (end(State.NACKED)) {
            onNack(null, error);
        }
    }

    private boolean end(State verdict) {
        return STATE.compareAndSet(this, State.OPEN, verdict);
    }

    private static void requireNotNegative(Duration d, String name, String message) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(message + d);
        }
    }

    /** The first verdict is an ack. */
    protected abstract void onAck();

    /**
     * The first verdict is a failure.
     *
     * @param delay the consumer's delay, not negative; null: the retry policy's
     * @param error what the push handler threw; null: the consumer nacked
     */
    protected abstract void onNack(Duration delay, Throwable error);

    /** The first verdict is a rejection; {@code reason} is never blank. */
    protected abstract void onReject(String reason);

    /** The consumer is still working, before any verdict; {@code by} is not negative, and may be zero. */
    protected abstract void onExtend(Duration by);

    @Override
    public String toString() {
        return "Delivery{" + topic + " " + position() + " attempt " + attempt + ", " + event().id() + "}";
    }
}
