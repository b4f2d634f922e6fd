package io.herald.bench;

import io.herald.embedded.EmbeddedBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reopen after a crash: a child JVM ({@link ReopenWriter}) writes {@code --reopen-bytes} (1 GiB)
 * of 1 KiB events to a 1-partition topic (fsync NEVER) and is killed with SIGKILL while still
 * writing; then this JVM times {@code EmbeddedBroker.open} of the directory, which is a crash
 * recovery (the tail segment is scanned, CRCs checked, a torn tail cut), and checks that every
 * acknowledged event is there. With {@code --drop-caches} it then closes the broker, drops the
 * page cache and times a second open, as after a reboot. Herald only: the issue sets an absolute
 * target (< 2 s).
 */
final class ReopenWorkload {

    static final String NAME = "reopen";
    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private ReopenWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        return List.of(new ReopenCase(o.reopenBytes(), o.dropCaches()));
    }

    record ReopenCase(long bytes, boolean dropCaches) implements BenchCase {

        @Override
        public String workload() {
            return NAME;
        }

        @Override
        public String label() {
            return (bytes >= 1L << 30 ? bytes / (1L << 30) + " GiB" : bytes / (1L << 20) + " MiB")
                    + " of 1 KiB events, 1 p, kill -9 while writing";
        }

        @Override
        public List<Metric> metrics() {
            return dropCaches ? List.of(Metric.REOPEN_WARM, Metric.REOPEN_COLD) : List.of(Metric.REOPEN_WARM);
        }

        @Override
        public Map<Metric, Target> targets() {
            Target target = new Target.Below(2, "s");
            return dropCaches ? Map.of(Metric.REOPEN_WARM, target, Metric.REOPEN_COLD, target) : Map.of(Metric.REOPEN_WARM, target);
        }

        @Override
        public boolean heraldOnly() {
            return true;
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            Path dir = run.scratch().resolve("reopen");
            try {
                long acked = writeAndKill(dir);
                Map<Metric, Double> result = new LinkedHashMap<>();
                result.put(Metric.REOPEN_WARM, timeOpen(dir, acked));
                if (dropCaches) {
                    new ProcessBuilder("sync").inheritIO().start().waitFor();
                    Files.writeString(DROP_CACHES, "1");
                    result.put(Metric.REOPEN_COLD, timeOpen(dir, acked));
                }
                return result;
            } finally {
                HeraldUnderTest.deleteRecursively(dir);
            }
        }

        private long writeAndKill(Path dir) throws Exception {
            Process child = new ProcessBuilder(JavaCommand.of(List.of("-Xmx512m"), ReopenWriter.class.getName(),
                    List.of(dir.toString(), Long.toString(bytes))))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                if (line == null || !line.startsWith("WRITTEN ")) {
                    throw new IllegalStateException("the writer child ended without writing (exit " + child.waitFor() + ")");
                }
                return Long.parseLong(line.substring("WRITTEN ".length()).trim());
            } finally {
                child.destroyForcibly(); // SIGKILL
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }

        /** Seconds that {@code EmbeddedBroker.open} takes; checks nothing acknowledged was lost. */
        private static double timeOpen(Path dir, long acked) {
            long t0 = System.nanoTime();
            EmbeddedBroker broker = EmbeddedBroker.open(dir);
            double seconds = (System.nanoTime() - t0) / 1e9;
            try {
                long held = broker.describeTopic(ReopenWriter.TOPIC).eventCount();
                if (held < acked) {
                    throw new IllegalStateException("reopen holds " + held + " events, but " + acked + " were acknowledged");
                }
            } finally {
                broker.close();
            }
            return seconds;
        }
    }
}
