package io.herald.server.subscription;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSE delivery streams open on this server, by subscription, so that a change to a
 * subscription (its spec, a reset, a delete) can end them: their clients reconnect and get
 * deliveries under the new definition. Thread-safe.
 */
final class DeliveryStreams {

    private final Map<String, Set<Stream>> open = new ConcurrentHashMap<>();

    /** One open stream; {@link #ended()} turns true when it must stop. */
    static final class Stream {
        private volatile boolean ended;

        boolean ended() {
            return ended;
        }

        void end() {
            ended = true;
        }
    }

    Stream open(String topic, String subscription) {
        Stream s = new Stream();
        open.computeIfAbsent(key(topic, subscription), k -> ConcurrentHashMap.newKeySet()).add(s);
        return s;
    }

    void closed(String topic, String subscription, Stream s) {
        open.computeIfPresent(key(topic, subscription), (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    void end(String topic, String subscription) {
        Set<Stream> streams = open.remove(key(topic, subscription));
        if (streams != null) {
            streams.forEach(Stream::end);
        }
    }

    void endAll() {
        open.values().forEach(set -> set.forEach(Stream::end));
        open.clear();
    }

    private static String key(String topic, String subscription) {
        return topic + "\u0000" + subscription;
    }
}
