package io.herald.embedded.group;

import java.util.HashSet;
import java.util.Set;

/**
 * Which offsets of a claimed partition are acknowledged, reduced to the one number a cursor can
 * store: the watermark, below which every offset is acknowledged. Acks in order (the usual case)
 * only move the watermark; acks ahead of it wait in a set until the gap closes. Thread-safe:
 * deliveries may be acked from any thread.
 */
final class AckTracker {

    private long watermark;
    private final Set<Long> ahead = new HashSet<>();

    AckTracker(long start) {
        this.watermark = start;
    }

    synchronized void ack(long offset) {
        if (offset < watermark) {
            return;
        }
        if (offset == watermark) {
            watermark++;
            while (!ahead.isEmpty() && ahead.remove(watermark)) {
                watermark++;
            }
        } else {
            ahead.add(offset);
        }
    }

    synchronized boolean isAcked(long offset) {
        return offset < watermark || ahead.contains(offset);
    }

    synchronized long watermark() {
        return watermark;
    }
}
