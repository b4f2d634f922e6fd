package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.http.EventJson;
import io.herald.http.Positions;
import io.herald.http.StoredEventJson;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A {@link TopicReader} over {@code GET /topics/{topic}/events}: each poll is one request (a long
 * poll when it waits) from the {@code next} token the previous answer gave, so the reader goes on
 * exactly where it stood and {@link #positions()} is what the server says. To know where it stands
 * before the first poll, opening and seeking ask for one event at once and keep it for the next
 * poll. Not thread-safe, as the interface says.
 */
final class RemoteTopicReader implements TopicReader {

    /** The most a read may return and the longest it may wait, as the server's defaults allow. */
    static final int MAX_READ = 10_000;
    static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private final RemoteBroker broker;
    private final ServerConnection server;
    private final String topic;
    private final ArrayDeque<StoredEvent> kept = new ArrayDeque<>();
    private SortedMap<Integer, Long> next;
    private boolean closed;

    RemoteTopicReader(RemoteBroker broker, ServerConnection server, String topic, StartPosition from) {
        this.broker = broker;
        this.server = server;
        this.topic = topic;
        seek(from);
    }

    /** A page of a read: the events and the token after them. */
    record Page(List<StoredEvent> events, SortedMap<Integer, Long> next) {
    }

    /** One read from {@code from} (a start position or a token): up to {@code max} events, waiting up to {@code wait}. */
    static Page read(ServerConnection server, String topic, String from, int max, Duration wait) {
        JsonNode answer = server.call(ServerConnection.Request.get(RemoteBroker.topicPath(topic) + "/events").about(topic)
                .query("from", from).query("max", max).query("wait", wait.toMillis() + "ms")
                .timeout(ServerConnection.CALL_TIMEOUT.plus(wait))).json(EventJson.RAW_MEMBERS);
        List<StoredEvent> events = new ArrayList<>();
        for (JsonNode e : answer.path("events")) {
            events.add(StoredEventJson.read(topic, e));
        }
        return new Page(events, Positions.parseList(answer.path("next").asText()));
    }

    @Override
    public List<StoredEvent> poll(int max, Duration wait) {
        checkOpen();
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        if (!kept.isEmpty()) {
            List<StoredEvent> out = new ArrayList<>();
            while (out.size() < max && !kept.isEmpty()) {
                out.add(kept.pollFirst());
            }
            return out;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Page page = read(server, topic, Positions.format(next), Math.min(max, MAX_READ), left.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : left);
            next = page.next();
            if (!page.events().isEmpty() || left.compareTo(MAX_WAIT) <= 0) {
                return page.events();
            }
        }
    }

    @Override
    public void seek(StartPosition position) {
        checkOpen();
        kept.clear();
        Page first = read(server, topic, broker.startText(topic, position), 1, Duration.ZERO);
        kept.addAll(first.events());
        next = first.next();
    }

    /** The token, with each partition of a kept event moved back to that event: it is the next one returned there. */
    @Override
    public SortedMap<Integer, Long> positions() {
        checkOpen();
        TreeMap<Integer, Long> at = new TreeMap<>(next);
        for (StoredEvent e : kept.reversed()) {
            at.put(e.position().partition(), e.position().offset());
        }
        return Collections.unmodifiableSortedMap(at);
    }

    private void checkOpen() {
        if (closed) {
            throw new BrokerClosedException("this reader of topic '" + topic + "'");
        }
    }

    @Override
    public void close() {
        closed = true;
        kept.clear();
        broker.forget(this);
    }
}
