package io.herald.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What this machine's disk and scheduler allow at the moment, measured before and after the
 * workloads: the latency of an fdatasync of a 4 KiB append on the data disk (which bounds
 * fsync-ALWAYS publishing: 64 synchronous publishers can do at most 64 events per fsync) and how
 * late a thread wakes from a 100 µs park (which every latency percentile includes). On a shared
 * 2-core machine both swing by 10x within minutes; the table is read against them.
 */
final class MachineNoise {


    private MachineNoise() {
    }

    /** {@code samples}: fsyncs; ten times as many parks. */
    static String measure(Path dir, int samples) throws IOException {
        int fsyncs = samples;
        int parks = samples * 10;
        Files.createDirectories(dir);
        Path file = dir.resolve("fsync-probe.dat");
        long[] fsync = new long[fsyncs];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer block = ByteBuffer.allocateDirect(4096);
            for (int i = 0; i < fsyncs; i++) {
                block.clear();
                ch.write(block, (long) i * 4096);
                long t0 = System.nanoTime();
                ch.force(false);
                fsync[i] = System.nanoTime() - t0;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        long[] late = new long[parks];
        for (int i = 0; i < parks; i++) {
            long t0 = System.nanoTime();
            LockSupport.parkNanos(100_000);
            late[i] = System.nanoTime() - t0 - 100_000;
        }
        Arrays.sort(fsync);
        Arrays.sort(late);
        return String.format(Locale.ROOT, "fdatasync of a 4 KiB append: p50 %.3f ms, p99 %.3f ms; "
                        + "wake-up delay after parkNanos(100 µs): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms; load average %.2f",
                ms(fsync, 0.5), ms(fsync, 0.99), ms(late, 0.5), ms(late, 0.99), ms(late, 0.999),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static double ms(long[] sorted, double quantile) {
        return Math.max(0, sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))]) / 1e6;
    }
}
