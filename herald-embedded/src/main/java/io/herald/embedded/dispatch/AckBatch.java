package io.herald.embedded.dispatch;

import java.util.ArrayList;

/**
 * The acks a push consumer's worker thread gave while it handled one batch of deliveries. They
 * take effect together, under one lock, when the worker asks for its next batch (or stops), so a
 * backlog costs one lock per batch rather than two per event; the worker takes nothing new before
 * they do, so a key's next event still waits for its predecessor's ack. An ack from any other
 * thread, or any other verdict, takes effect at once.
 */
final class AckBatch extends ArrayList<QueueDelivery> {

    private final Thread owner;

    AckBatch(Thread owner) {
        this.owner = owner;
    }

    /** Whether an ack given now on this thread may wait for the batch's end. */
    boolean collects() {
        return Thread.currentThread() == owner;
    }
}
