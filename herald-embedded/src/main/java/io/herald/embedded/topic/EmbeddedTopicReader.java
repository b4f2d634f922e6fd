package io.herald.embedded.topic;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.log.LogClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads all partitions of a topic from positions of its own, without a subscription. Not thread-safe. */
public final class EmbeddedTopicReader implements TopicReader {

    private static final long MAX_WAIT_SLICE_NANOS = Duration.ofMillis(50).toNanos();

    private final Topic topic;
    private final List<PartitionFetcher> fetchers = new ArrayList<>();
    private final Wakeup wakeup = new Wakeup();
    private final Runnable wakeOnAppend = wakeup::fire;
    private boolean closed;
    private int rotation;

    public EmbeddedTopicReader(Topic topic, StartPosition from) {
        this.topic = topic;
        for (Partition p : topic.partitions()) {
            fetchers.add(new PartitionFetcher(p, p.offsetFor(from)));
            p.addListener(wakeOnAppend);
        }
    }

    @Override
    public List<StoredEvent> poll(int max, Duration wait) {
        if (closed) {
            throw new BrokerClosedException("this reader of topic '" + topic.name() + "'");
        }
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        List<StoredEvent> out = new ArrayList<>(Math.min(max, 512));
        while (true) {
            int start = rotation++;
            try {
                for (int i = 0; i < fetchers.size() && out.size() < max; i++) {
                    PartitionFetcher f = fetchers.get(Math.floorMod(start + i, fetchers.size()));
                    StoredEvent e;
                    while (out.size() < max && (e = f.next()) != null) {
                        out.add(e);
                    }
                }
            } catch (LogClosedException e) {
                throw new io.herald.broker.TopicNotFoundException(topic.name());
            }
            long remaining = deadline - System.nanoTime();
            if (!out.isEmpty() || remaining <= 0) {
                return out;
            }
            wakeup.await(Math.min(remaining, MAX_WAIT_SLICE_NANOS));
        }
    }

    @Override
    public void seek(StartPosition position) {
        for (PartitionFetcher f : fetchers) {
            f.seek(f.partition().offsetFor(position));
        }
    }

    @Override
    public java.util.SortedMap<Integer, Long> positions() {
        java.util.SortedMap<Integer, Long> positions = new java.util.TreeMap<>();
        for (PartitionFetcher f : fetchers) {
            positions.put(f.partition().index(), f.position());
        }
        return positions;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            topic.partitions().forEach(p -> p.removeListener(wakeOnAppend));
        }
    }
}
