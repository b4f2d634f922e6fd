package io.herald.embedded.topic;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.KeyPartitioner;
import io.herald.broker.StorageException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.Position;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.log.LogClosedException;
import io.herald.log.LogFailedException;
import io.herald.log.RecordSet;
import java.util.ArrayList;
import java.util.Arrays;
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

    private int partitionFor(Event event) {
        Optional<String> key = event.partitionKey();
        return key.isPresent()
                ? KeyPartitioner.partition(key.get(), partitions.size())
                : Math.floorMod(roundRobin.getAndIncrement(), partitions.size());
    }

    public CompletableFuture<Position> publish(Event event) {
        int p = partitionFor(event);
        RecordSet.Builder records = RecordSet.builder(256);
        encoder.encodeInto(event, records);
        return partitions.get(p).append(records.build()).handle((offset, failure) -> {
            if (failure != null) {
                throw translate(failure, p);
            }
            return new Position(p, offset);
        });
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
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            int p = partitionFor(event);
            if (byPartition[p] == null) {
                byPartition[p] = RecordSet.builder(events.size() / n * 200 + 256);
            }
            partitionOf[i] = p;
            indexInPartition[i] = byPartition[p].count();
            encoder.encodeInto(event, byPartition[p]);
        }
        long[] bases = new long[n];
        Arrays.fill(bases, -1);
        List<CompletableFuture<Long>> appends = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            if (byPartition[p] != null) {
                int partition = p;
                appends.add(partitions.get(p).append(byPartition[p].build()).handle((base, failure) -> {
                    if (failure != null) {
                        throw translate(failure, partition);
                    }
                    return bases[partition] = base;
                }));
            }
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Position[] positions = new Position[events.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = new Position(partitionOf[i], bases[partitionOf[i]] + indexInPartition[i]);
            }
            return List.of(positions);
        });
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
