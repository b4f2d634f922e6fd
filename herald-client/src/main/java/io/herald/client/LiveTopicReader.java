package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.StartPosition;
import io.herald.broker.StorageException;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.error.HeraldException;
import io.herald.http.EventJson;
import io.herald.http.Json;
import io.herald.http.Positions;
import io.herald.http.ServerSentEvents;
import io.herald.http.StoredEventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TopicReader} that follows a topic live over Server-Sent Events
 * ({@code GET /topics/{topic}/events} with {@code Accept: text/event-stream}): the server pushes
 * each event as it is appended, so a tail sees it at once instead of at the next long poll. A
 * thread of its own reads the stream into a bounded queue ({@value #QUEUE} events; a reader that
 * does not poll holds the server back through TCP) and, when the connection drops, connects again
 * from the token of the last event it received: nothing lost, nothing twice.
 *
 * <pre>
 *   server --SSE--> stream thread --queue--> poll() (the caller's thread)
 *                   token: after the last event received     positions(): after the last event returned
 * </pre>
 *
 * Not thread-safe, as the interface says; the stream thread only fills the queue.
 */
final class LiveTopicReader implements TopicReader {

    private static final Logger LOG = LoggerFactory.getLogger(LiveTopicReader.class);
    static final int QUEUE = 1000;
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    /** An event as the stream gave it, with the token after it. */
    private record Item(StoredEvent event, SortedMap<Integer, Long> after) {
    }

    private final RemoteBroker broker;
    private final ServerConnection server;
    private final String topic;
    private BlockingQueue<Item> queue;
    private Stream stream;
    private SortedMap<Integer, Long> returned;
    private boolean closed;

    LiveTopicReader(RemoteBroker broker, ServerConnection server, String topic, StartPosition from) {
        this.broker = broker;
        this.server = server;
        this.topic = topic;
        seek(from);
    }

    @Override
    public List<StoredEvent> poll(int max, Duration wait) {
        checkOpen();
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        List<Item> items = new ArrayList<>();
        try {
            Item first = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
            if (first != null) {
                items.add(first);
                queue.drainTo(items, max - 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HeraldException("interrupted while following topic '" + topic + "'", e);
        }
        if (items.isEmpty()) {
            stream.failure().ifPresent(f -> {
                throw f;
            });
            return List.of();
        }
        returned = items.getLast().after();
        return items.stream().map(Item::event).toList();
    }

    /** Ends the stream and follows from {@code position} instead. */
    @Override
    public void seek(StartPosition position) {
        checkOpen();
        if (stream != null) {
            stream.end();
        }
        queue = new LinkedBlockingQueue<>(QUEUE);
        // one event at once, to know where the reader stands before anything is streamed
        RemoteTopicReader.Page first = RemoteTopicReader.read(server, topic, broker.startText(topic, position), 1, Duration.ZERO);
        TreeMap<Integer, Long> before = new TreeMap<>(first.next());
        first.events().forEach(e -> {
            before.put(e.position().partition(), e.position().offset());
            queue.add(new Item(e, first.next()));
        });
        returned = before;
        stream = new Stream(queue, first.next());
    }

    @Override
    public SortedMap<Integer, Long> positions() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(returned));
    }

    private void checkOpen() {
        if (closed) {
            throw new BrokerClosedException("this reader of topic '" + topic + "'");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stream.end();
        broker.forget(this);
    }

    /** One stream thread: connects, reads events into the queue, connects again after a drop, until ended or refused. */
    private final class Stream {
        private final BlockingQueue<Item> into;
        private final Thread thread;
        private volatile SortedMap<Integer, Long> token;
        private volatile boolean ended;
        private volatile ServerSentEvents open;
        private volatile HeraldException failure;

        Stream(BlockingQueue<Item> into, SortedMap<Integer, Long> from) {
            this.into = into;
            this.token = from;
            this.thread = Thread.ofPlatform().daemon().name("herald-follow-" + topic).start(this::run);
        }

        java.util.Optional<HeraldException> failure() {
            return java.util.Optional.ofNullable(failure);
        }

        private void run() {
            Duration retry = FIRST_RETRY;
            while (!ended) {
                try (ServerSentEvents events = new ServerSentEvents(server.stream(ServerConnection.Request
                        .get(RemoteBroker.topicPath(topic) + "/events").about(topic)
                        .query("from", Positions.format(token)).accept("text/event-stream")))) {
                    open = events;
                    if (ended) {
                        return;
                    }
                    retry = FIRST_RETRY;
                    for (ServerSentEvents.Event e = events.next(); e != null && !ended; e = events.next()) {
                        JsonNode stored = Json.treeKeepingRaw(e.data().getBytes(StandardCharsets.UTF_8), EventJson.RAW_MEMBERS);
                        SortedMap<Integer, Long> after = Positions.parseList(e.id());
                        into.put(new Item(StoredEventJson.read(topic, stored), after));
                        token = after;
                    }
                } catch (ServerUnreachableException | BrokerClosedException | StorageException | IOException e) {
                    // the connection dropped, or the server is restarting: follow on once it is back
                    if (!ended && !server.closed()) {
                        LOG.debug("following topic '{}' on {}: {}; connecting again", topic, server.base(), e.getMessage());
                    }
                } catch (HeraldException e) {
                    // refused for good (the topic was deleted, the token lost its rights): poll says so
                    failure = e;
                    return;
                } catch (InterruptedException e) {
                    return;
                } finally {
                    open = null;
                }
                if (server.closed()) {
                    return;
                }
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException e) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
            }
        }

        void end() {
            ended = true;
            ServerSentEvents events = open;
            if (events != null) {
                events.close();
            }
            thread.interrupt();
        }
    }
}
