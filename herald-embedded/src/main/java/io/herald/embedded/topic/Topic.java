package io.herald.embedded.topic;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.Position;
import io.herald.broker.StorageException;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.KeyPartitioner;
import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.log.LogClosedException;
import io.herald.log.LogFailedException;
import io.herald.log.LogWriter;
import io.herald.log.RecordSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A topic at run time: its spec and partitions, and the publish path that routes events to them. Thread-safe. */
public final class Topic {

    private final String name;
    private final TopicSpec spec;
    private final List<Partition> partitions;
    private final EventEncoder encoder;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private volatile boolean deleted;

    Topic(String name, TopicSpec spec, List<Partition> partitions, EventEncoder encoder) {
        this.name = name;
        this.spec = spec;
        this.partitions = List.copyOf(partitions);
        this.encoder = encoder;
    }

    public String name() {
        return name;
    }

    public TopicSpec spec() {
        return spec;
    }

    public Partition partition(int index) {
        return partitions.get(index);
    }

    public List<Partition> partitions() {
        return partitions;
    }

    public TopicInfo info() {
        List<TopicInfo.PartitionInfo> infos = new ArrayList<>();
        for (Partition p : partitions) {
            infos.add(new TopicInfo.PartitionInfo(p.index(), p.log().startOffset(), p.log().endOffset(), p.log().sizeInBytes()));
        }
        return new TopicInfo(name, spec, infos);
    }

    /** The event at {@code position}, if the partition still holds it. */
    public Optional<StoredEvent> read(Position position) {
        if (position.partition() >= partitions.size()) {
            return Optional.empty();
        }
        Partition p = partitions.get(position.partition());
        if (position.offset() < p.log().startOffset() || position.offset() >= p.log().endOffset()) {
            return Optional.empty();
        }
        return Optional.ofNullable(PartitionFetcher.readOne(p, position.offset()));
    }

    private int partitionFor(Event event) {
        Optional<String> key = event.partitionKey();
        return key.isPresent()
                ? KeyPartitioner.partition(key.get(), partitions.size())
                : Math.floorMod(roundRobin.getAndIncrement(), partitions.size());
    }

    public CompletableFuture<Position> publish(Event event) {
        int p = partitionFor(event);
        RecordSet.Builder records = RecordSet.builder(EventBinaryFormat.maxEncodedSize(event));
        encoder.encodeInto(event, records);
        PositionFuture future = new PositionFuture(p);
        partitions.get(p).append(records.build(), future);
        return future;
    }

    /**
     * Encodes every event before writing any (so one bad event fails the call with nothing
     * appended), then appends each partition's share as one batch.
     */
    public CompletableFuture<List<Position>> publish(List<Event> events) {
        int n = partitions.size();
        RecordSet.Builder[] byPartition = new RecordSet.Builder[n];
        int[] partitionOf = new int[events.size()];
        int[] indexInPartition = new int[events.size()];
        int expectedPerPartition = expectedEncodedBytes(events) / Math.min(n, events.size()) + 64;
        byte[] scratch = null;
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            int p = partitionFor(event);
            if (byPartition[p] == null) {
                byPartition[p] = RecordSet.builder(expectedPerPartition);
            }
            partitionOf[i] = p;
            indexInPartition[i] = byPartition[p].count();
            scratch = encoder.encodeInto(event, byPartition[p], scratch);
        }
        BatchFuture batch = new BatchFuture(partitionOf, indexInPartition, byPartition);
        for (int p = 0; p < n; p++) {
            if (byPartition[p] != null) {
                partitions.get(p).append(byPartition[p].build(), batch.part(p));
            }
        }
        return batch;
    }

    /** About what the events take encoded: their data plus a typical envelope, to size buffers once. */
    private static int expectedEncodedBytes(List<Event> events) {
        long bytes = 0;
        for (Event e : events) {
            bytes += e.dataLength() + 96;
        }
        return (int) Math.min(bytes, Integer.MAX_VALUE / 2);
    }

    /** One publish's future, completed by the partition's writer: no second future per event. */
    private final class PositionFuture extends CompletableFuture<Position> implements LogWriter.AppendCallback {
        private final int partition;

        PositionFuture(int partition) {
            this.partition = partition;
        }

        @Override
        public void appended(long baseOffset) {
            complete(new Position(partition, baseOffset));
        }

        @Override
        public void failed(Throwable error) {
            completeExceptionally(translate(error, partition));
        }
    }

    /** A batch publish's future: complete when every partition's share is appended, failed when any is not. */
    private final class BatchFuture extends CompletableFuture<List<Position>> {
        private final int[] partitionOf;
        private final int[] indexInPartition;
        private final long[] bases;
        private final AtomicInteger remaining;

        BatchFuture(int[] partitionOf, int[] indexInPartition, RecordSet.Builder[] byPartition) {
            this.partitionOf = partitionOf;
            this.indexInPartition = indexInPartition;
            this.bases = new long[byPartition.length];
            int parts = 0;
            for (RecordSet.Builder b : byPartition) {
                parts += b == null ? 0 : 1;
            }
            this.remaining = new AtomicInteger(parts);
        }

        LogWriter.AppendCallback part(int partition) {
            return new LogWriter.AppendCallback() {
                @Override
                public void appended(long baseOffset) {
                    bases[partition] = baseOffset;
                    if (remaining.decrementAndGet() == 0) {
                        Position[] positions = new Position[partitionOf.length];
                        for (int i = 0; i < positions.length; i++) {
                            positions[i] = new Position(partitionOf[i], bases[partitionOf[i]] + indexInPartition[i]);
                        }
                        complete(List.of(positions));
                    }
                }

                @Override
                public void failed(Throwable error) {
                    completeExceptionally(translate(error, partition));
                }
            };
        }
    }

    /** The log's failures in the API's terms. */
    private RuntimeException translate(Throwable failure, int partition) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return switch (cause) {
            case LogClosedException e -> deleted ? new TopicNotFoundException(name)
                    : new BrokerClosedException("topic '" + name + "' partition " + partition);
            case LogFailedException e -> new StorageException("write to topic '" + name + "' partition " + partition
                    + " failed: " + e.getCause(), e.getCause());
            case RuntimeException e -> e;
            default -> new StorageException("write to topic '" + name + "' partition " + partition + " failed: " + cause, cause);
        };
    }

    void markDeleted() {
        deleted = true;
    }

    void close() {
        partitions.forEach(Partition::close);
    }
}
