package io.herald.embedded.topic;

import java.util.concurrent.locks.LockSupport;

/**
 * Wakes one waiting consumer thread when new events are readable (or its assignment changed).
 * A {@link #fire()} before the wait is not lost: the next {@link #await} returns at once. Spurious
 * returns are allowed; callers re-check and wait again. Works for platform and virtual threads.
 */
public final class Wakeup {

    private volatile Thread waiter;
    private volatile boolean fired;

    /**
     * Wakes the waiter, or the next one to wait. Any thread; cheap when nobody waits, and when
     * fired already: the waiter has been woken (or will not park), and every ack of a busy
     * subscription fires its pollers' wakeups.
     */
    public void fire() {
        if (fired) {
            return;
        }
        fired = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Waits until fired or {@code nanos} pass. Only one thread waits on a wakeup at a time. */
    public void await(long nanos) {
        if (nanos <= 0) {
            return;
        }
        waiter = Thread.currentThread();
        if (!fired) {
            LockSupport.parkNanos(this, nanos);
        }
        waiter = null;
        fired = false;
    }
}
