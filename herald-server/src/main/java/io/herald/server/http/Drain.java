package io.herald.server.http;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The server's signal that it is stopping: long polls and streams check it between their waits
 * and end early, so a stop does not wait out a 20-second receive. Thread-safe.
 */
public final class Drain {

    private final CountDownLatch started = new CountDownLatch(1);

    public void start() {
        started.countDown();
    }

    public boolean started() {
        return started.getCount() == 0;
    }

    /** Sleeps up to {@code time}; returns early (true) once the drain starts. */
    public boolean await(Duration time) {
        try {
            return started.await(time.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
