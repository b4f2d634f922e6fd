package io.herald.bench;

import java.util.Locale;

/**
 * How a publishing thread publishes. {@code SINGLE}: one event per call, pipelined, with up to
 * {@link PublishLoad#SINGLE_WINDOW} calls in flight. {@code BATCH}: {@link EventPool#BATCH} events
 * per call ({@code Broker.publish(topic, List)}), up to {@link PublishLoad#BATCH_WINDOW} calls in
 * flight. {@code SYNC}: one event per call, waiting for its acknowledgement before the next.
 */
enum PublishMode {
    SINGLE, BATCH, SYNC;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static PublishMode parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
