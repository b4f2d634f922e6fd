package io.herald.bench.jmh;

import io.herald.EmbeddedConfig;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The embedded broker's publish path end to end (encode, route, queue to the partition writer,
 * group commit into the page cache, complete the future) on a 1-partition topic with fsync
 * NEVER. Scores are events per second: {@code publishOne} waits for each event before the next
 * (a round trip through the writer thread), {@code publishOnePipelined} keeps 1,000 in flight,
 * {@code publishBatch} publishes 1,000 in one call. Retention every second keeps the topic near
 * 256 MiB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class TopicPublishBenchmark {

    private static final String TOPIC = "bench";
    private static final int BATCH = 1000;

    private Path dir;
    private EmbeddedBroker broker;
    private Event[] events;
    private List<Event> batch;
    private final CompletableFuture<?>[] window = new CompletableFuture<?>[BATCH];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("herald-jmh-topic");
        broker = EmbeddedBroker.open(EmbeddedConfig.of(dir).retentionInterval(Duration.ofSeconds(1)));
        broker.createTopic(TOPIC, TopicSpec.partitions(1).fsync(FsyncPolicy.NEVER).retentionBytes(256L << 20));
        SplittableRandom random = new SplittableRandom(1);
        events = new Event[4096];
        for (int i = 0; i < events.length; i++) {
            byte[] data = new byte[100];
            random.nextBytes(data);
            events[i] = Event.builder().type("bench.event").source("/herald/bench").data(data).build();
        }
        batch = new ArrayList<>(List.of(events).subList(0, BATCH));
    }

    @Benchmark
    public Object publishOne() {
        return broker.publish(TOPIC, events[next++ & (events.length - 1)]).join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object publishOnePipelined() {
        for (int i = 0; i < BATCH; i++) {
            window[i] = broker.publish(TOPIC, events[next++ & (events.length - 1)]);
        }
        Object last = null;
        for (CompletableFuture<?> f : window) {
            last = f.join();
        }
        return last;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object publishBatch() {
        return broker.publish(TOPIC, batch).join();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        broker.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
