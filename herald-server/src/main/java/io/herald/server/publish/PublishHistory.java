package io.herald.server.publish;

import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a topic already holds from the last duplicate window, read into the {@link DuplicateWindow}
 * before this server's first publish to it: a publish retried after this server restarted (its
 * answer lost in the crash), or retried through another server of the cluster after the first
 * write landed, is then still recognised. Each partition is read from the first event of the
 * window, or from its last {@value #MAX_EVENTS_PER_PARTITION} events when the window holds more
 * (the most recent are the likeliest to be retried). Thread-safe: a topic is read once; a publish
 * to it waits for that read.
 */
public final class PublishHistory {

    static final int MAX_EVENTS_PER_PARTITION = 20_000;
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Logger LOG = LoggerFactory.getLogger(PublishHistory.class);

    private final Broker broker;
    private final DuplicateWindow duplicates;
    private final Clock clock;
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public PublishHistory(Broker broker, DuplicateWindow duplicates, Clock clock) {
        this.broker = broker;
        this.duplicates = duplicates;
        this.clock = clock;
    }

    /** Reads the topic's recent events into the window, once; later calls return at once. */
    public void ensureRead(String topic) {
        if (!duplicates.enabled() || read.contains(topic)) {
            return;
        }
        synchronized (locks.computeIfAbsent(topic, t -> new Object())) {
            if (read.contains(topic)) {
                return;
            }
            TopicInfo info = broker.describeTopic(topic);
            Instant now = clock.instant();
            List<StoredEvent> recent = recent(info, now);
            recent.sort(Comparator.comparing(StoredEvent::appendTime));
            for (StoredEvent e : recent) {
                duplicates.remember(topic, e.event().source(), e.event().id(), e.position(),
                        Math.max(0, Duration.between(e.appendTime(), now).toNanos()));
            }
            if (!recent.isEmpty()) {
                LOG.info("topic '{}': {} events of the last {} remembered as published", topic, recent.size(), duplicates.window());
            }
            read.add(topic);
        }
    }

    /** Forgets a deleted topic: its events leave the window, and a topic made again under its name is read anew. */
    public void forget(String topic) {
        read.remove(topic);
        duplicates.forgetTopic(topic);
    }

    private List<StoredEvent> recent(TopicInfo topic, Instant now) {
        SortedMap<Integer, Long> ends = new TreeMap<>();
        topic.partitions().forEach(p -> ends.put(p.partition(), p.endOffset()));
        List<StoredEvent> events = new ArrayList<>();
        if (ends.values().stream().allMatch(end -> end == 0)) {
            return events;
        }
        try (TopicReader reader = broker.reader(topic.name(), StartPosition.at(now.minus(duplicates.window())))) {
            SortedMap<Integer, Long> from = new TreeMap<>(reader.positions());
            from.replaceAll((p, offset) -> Math.max(offset, ends.getOrDefault(p, 0L) - MAX_EVENTS_PER_PARTITION));
            reader.seek(StartPosition.offsets(from));
            SortedMap<Integer, Long> at = new TreeMap<>(from);
            while (at.entrySet().stream().anyMatch(p -> p.getValue() < ends.getOrDefault(p.getKey(), 0L))) {
                List<StoredEvent> got = reader.poll(1000, POLL);
                if (got.isEmpty() && reader.positions().entrySet().stream().allMatch(p -> p.getValue() >= ends.getOrDefault(p.getKey(), 0L))) {
                    break;
                }
                for (StoredEvent e : got) {
                    at.put(e.position().partition(), e.position().offset() + 1);
                    if (e.position().offset() < ends.getOrDefault(e.position().partition(), 0L)) {
                        events.add(e);
                    }
                }
            }
        }
        return events;
    }
}
