package io.herald.bench.jmh;

import io.herald.event.Event;
import io.herald.event.EventBinaryFormat;
import io.herald.log.RecordBatchFormat;
import io.herald.log.RecordSet;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building a ~1 MiB record batch of 100-byte events, as the partition writer does for one group
 * commit (LogWriter's maximum batch): framing the encoded events ({@link RecordSet.Builder}),
 * copying them into the direct write buffer, and {@link RecordBatchFormat#writeHeader}, whose
 * cost is the CRC32C over the whole batch. Times are per 1 MiB batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class RecordBatchBenchmark {

    static final int BATCH_BYTES = 1 << 20;

    private byte[][] records;
    private byte[] framed;
    private int framedLength;
    private ByteBuffer buffer;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(1);
        java.util.List<byte[]> list = new java.util.ArrayList<>();
        int bytes = 0;
        while (true) {
            byte[] data = new byte[100];
            random.nextBytes(data);
            byte[] encoded = EventBinaryFormat.encode(Event.builder().type("bench.event").source("/herald/bench").data(data).build());
            if (bytes + encoded.length + 2 > BATCH_BYTES - RecordBatchFormat.HEADER_SIZE) {
                break;
            }
            list.add(encoded);
            bytes += encoded.length + RecordBatchFormat.varIntSize(encoded.length);
        }
        records = list.toArray(byte[][]::new);
        framed = new byte[bytes];
        int p = 0;
        for (byte[] r : records) {
            p = RecordBatchFormat.putVarInt(framed, p, r.length);
            System.arraycopy(r, 0, framed, p, r.length);
            p += r.length;
        }
        framedLength = p;
        buffer = ByteBuffer.allocateDirect(BATCH_BYTES);
        buffer.position(RecordBatchFormat.HEADER_SIZE).put(framed, 0, framedLength);
    }

    /** The header and its CRC32C over ~1 MiB of records already in the buffer. */
    @Benchmark
    public ByteBuffer writeHeader() {
        RecordBatchFormat.writeHeader(buffer, 0, RecordBatchFormat.HEADER_SIZE + framedLength, 42, records.length, 1L);
        return buffer;
    }

    /** Framing ~7,000 encoded events into a record set, as the publishing threads do. */
    @Benchmark
    public RecordSet frameRecords() {
        RecordSet.Builder b = RecordSet.builder(framedLength);
        for (byte[] r : records) {
            b.add(r);
        }
        return b.build();
    }

    /** The writer's whole job before the write: copy the framed records into the direct buffer, then the header. */
    @Benchmark
    public ByteBuffer copyAndWriteHeader() {
        buffer.clear().position(RecordBatchFormat.HEADER_SIZE);
        buffer.put(framed, 0, framedLength);
        RecordBatchFormat.writeHeader(buffer, 0, RecordBatchFormat.HEADER_SIZE + framedLength, 42, records.length, 1L);
        return buffer;
    }
}
