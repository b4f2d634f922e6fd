package io.herald.embedded.topic;

import io.herald.broker.Position;
import io.herald.broker.StoredEvent;
import io.herald.event.EventBinaryFormat;
import io.herald.log.CorruptLogException;
import io.herald.log.LogFetch;
import io.herald.log.OffsetOutOfRangeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one partition forward from a position, a fetch at a time, and hands out its events one
 * by one. A position that retention deleted moves to the oldest event still held (as Kafka's
 * {@code auto.offset.reset=earliest} does for an out-of-range cursor). At damaged data (a
 * {@link CorruptLogException}) it stops: it hands out everything before the damage and nothing
 * after it, never skipping events, until it is moved elsewhere ({@link #seek}); other partitions'
 * fetchers go on. Not thread-safe: owned by one consumer.
 */
public final class PartitionFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionFetcher.class);

    static final int FETCH_BYTES = 256 * 1024;

    private final Partition partition;
    private final ArrayDeque<StoredEvent> buffered = new ArrayDeque<>();
    private long fetchPosition;
    /** The last fetch, so that the next one starts where it ended instead of at an index entry. */
    private LogFetch last;
    /** The damage this fetcher stopped at, if any. */
    private CorruptLogException damage;

    public PartitionFetcher(Partition partition, long position) {
        this.partition = partition;
        this.fetchPosition = position;
    }

    public Partition partition() {
        return partition;
    }

    /** The offset of the next event {@link #next()} returns. */
    public long position() {
        StoredEvent head = buffered.peekFirst();
        return head != null ? head.position().offset() : fetchPosition;
    }

    /** Moves to {@code offset}, dropping anything fetched (and the damage it stopped at). */
    public void seek(long offset) {
        buffered.clear();
        fetchPosition = offset;
        last = null;
        damage = null;
    }

    /** The damaged data this fetcher stopped at: it reads nothing of the partition past {@link #position()}. */
    public Optional<CorruptLogException> damage() {
        return Optional.ofNullable(damage);
    }

    /**
     * The event at {@code offset} alone, or null if the partition does not hold it: reads the one
     * batch that holds it and decodes nothing else (a redrive reads dead letters one by one).
     */
    public static StoredEvent readOne(Partition partition, long offset) {
        LogFetch fetch;
        try {
            fetch = partition.log().read(offset, 1);
        } catch (OffsetOutOfRangeException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + partition + " at offset " + offset, e);
        }
        StoredEvent[] found = new StoredEvent[1];
        fetch.forEach((at, appendTime, array, start, length) -> {
            if (at == offset) {
                found[0] = new StoredEvent(partition.topic(), new Position(partition.index(), at), Instant.ofEpochMilli(appendTime),
                        EventBinaryFormat.decode(array, start, length));
            }
        });
        return found[0];
    }

    /** The next event, or null when the partition has nothing more now. */
    public StoredEvent next() {
        if (buffered.isEmpty()) {
            fill();
        }
        return buffered.pollFirst();
    }

    public boolean hasBuffered() {
        return !buffered.isEmpty();
    }

    private void fill() {
        var log = partition.log();
        if (damage != null || fetchPosition >= log.endOffset()) {
            return;
        }
        LogFetch fetch;
        try {
            fetch = last != null && last.nextOffset() == fetchPosition
                    ? log.readAfter(last, FETCH_BYTES)
                    : log.read(fetchPosition, FETCH_BYTES);
        } catch (OffsetOutOfRangeException e) {
            if (e.offset() < e.startOffset()) {
                seek(e.startOffset()); // retention passed us: go on with the oldest event held
            }
            return; // past the end: nothing readable yet

        } catch (CorruptLogException e) {
            damage = e;
            LOG.error("partition {} of topic '{}' is damaged: its readers stop at offset {} and read nothing after it until the "
                    + "file is restored or the range skipped; the other partitions go on. {}", partition.index(), partition.topic(),
                    fetchPosition, e.getMessage());
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + partition + " at offset " + fetchPosition, e);
        }
        String topic = partition.topic();
        int index = partition.index();
        fetch.forEach((offset, appendTime, array, start, length) -> buffered.addLast(new StoredEvent(topic,
                new Position(index, offset), Instant.ofEpochMilli(appendTime), EventBinaryFormat.decode(array, start, length))));
        fetchPosition = fetch.nextOffset();
        if (!fetch.isEmpty()) {
            last = fetch;
        }
    }
}
