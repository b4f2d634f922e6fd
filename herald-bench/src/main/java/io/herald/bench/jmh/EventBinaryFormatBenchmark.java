package io.herald.bench.jmh;

import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event codec on the publish path (encode, on the publishing thread) and the consume path
 * (decode, per delivery), for a typical event: UUIDv7 id, type, source, time and 100 B or 1 KiB
 * of data.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EventBinaryFormatBenchmark {

    @Param({"100", "1024"})
    int dataBytes;

    private Event event;
    private byte[] encoded;
    private byte[] scratch;

    @Setup
    public void setUp() {
        byte[] data = new byte[dataBytes];
        new SplittableRandom(1).nextBytes(data);
        event = Event.builder().type("bench.event").source("/herald/bench").data(data).build();
        encoded = EventBinaryFormat.encode(event);
        scratch = new byte[EventBinaryFormat.maxEncodedSize(event)];
    }

    /** Into a new array of the exact size (what Kafka's record value needs). */
    @Benchmark
    public byte[] encode() {
        return EventBinaryFormat.encode(event);
    }

    /** Into a reused buffer (what the embedded topic's publish path does). */
    @Benchmark
    public int encodeIntoScratch() {
        return EventBinaryFormat.encode(event, scratch, 0);
    }

    @Benchmark
    public Event decode() {
        return EventBinaryFormat.decode(encoded, 0, encoded.length);
    }
}
