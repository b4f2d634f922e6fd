package io.herald.bench;

import io.herald.broker.Durations;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Herald server over HTTP beside Kafka's own Java clients, in one run: the server
 * ({@link ServerProcess}) and the Kafka broker ({@link KafkaProcess}) are child JVMs on loopback;
 * the load — HTTP requests with the JDK's {@code HttpClient}, or Kafka producers and consumers —
 * comes from this JVM. For each case ({@link ServerWorkloads}), repetition by repetition, Herald
 * runs and then Kafka, each on a fresh topic, so that a slow phase of this noisy machine hits
 * both; the table gives the median of the repetitions and Herald's advantage (above 1 favours
 * Herald). Progress, with every run's numbers, goes to standard error, the table to standard
 * output.
 *
 * <pre>java -cp herald-bench.jar io.herald.bench.ServerBench [--workloads publish-batch,...] [--no-kafka] [--quick]</pre>
 * See {@link Options#USAGE}.
 */
public final class ServerBench {

    private ServerBench() {
    }

    /**
     * The bench's options; {@code --quick} first sets the defaults of a smoke run, any option given
     * explicitly wins over it.
     */
    record Options(List<String> workloads, Duration warmup, Duration measure, int repetitions, int batch, int partitions,
                   int publishThreads, int singleThreads, int latencyRate, int receivers, long receiveStock,
                   int sseSubscribers, int sseRate, long webhookStock, int webhookConcurrency, boolean kafka, Path dir,
                   Optional<Path> out, List<String> serverJvmOptions, boolean warmupRound, boolean quick) {

        static final String USAGE = """
                usage: java -cp herald-bench.jar io.herald.bench.ServerBench [options]
                  --workloads a,b,...        of %s (default: all)
                  --warmup 2s --duration 5s  load before each measurement (not counted), and the measurement
                  --repetitions 3            runs per case and system (median reported)
                  --no-warmup-round          skip the unrecorded first run of every case on each system
                                             (it lets both JVMs compile the case's code paths first)
                  --partitions 8             partitions of every topic
                  --batch 1000               events per batch (publish-batch, and the stocks)
                  --publish-threads 4        publish-batch: connections (threads), each one request in flight
                  --single-threads 8         publish-single: connections (threads), each one request in flight
                  --latency-rate 1000        latency: requests per second, open loop
                  --receivers 4              receive: client threads
                  --receive-stock 2000000    receive: events published before the receivers start (a stock used
                                             up within the warm-up is measured over its whole drain)
                  --sse-subscribers 100 --sse-rate 1000   sse: followers, and events/s published
                  --webhook-stock 150000 --webhook-concurrency 64
                  --no-kafka                 Herald only
                  --dir PATH                 data directories of both systems (default: a temp directory)
                  --out FILE                 also write the result table (Markdown) there
                  --server-jvm OPTION        an extra JVM option of the server's JVM (repeatable), e.g.
                                             -XX:StartFlightRecording=filename=/tmp/server.jfr,settings=profile
                  --quick                    a smoke run: short runs, 1 repetition, small stocks and fan-out
                """.formatted(String.join(",", ServerWorkloads.ALL));

        long warmupNanos() {
            return warmup.toNanos();
        }

        long measureNanos() {
            return measure.toNanos();
        }

        static Options parse(String... args) {
            boolean quick = Arrays.asList(args).contains("--quick");
            List<String> workloads = ServerWorkloads.ALL;
            Duration warmup = quick ? Duration.ofMillis(300) : Duration.ofSeconds(2);
            Duration measure = quick ? Duration.ofMillis(700) : Duration.ofSeconds(5);
            int repetitions = quick ? 1 : 3;
            int batch = quick ? 100 : 1000;
            int partitions = 8;
            int publishThreads = 4;
            int singleThreads = 8;
            int latencyRate = quick ? 200 : 1000;
            int receivers = 4;
            long receiveStock = quick ? 100_000 : 2_000_000;
            int sseSubscribers = quick ? 4 : 100;
            int sseRate = quick ? 200 : 1000;
            long webhookStock = quick ? 30_000 : 150_000;
            int webhookConcurrency = 64;
            boolean kafka = true;
            boolean warmupRound = !quick;
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "herald-server-bench-" + ProcessHandle.current().pid());
            Optional<Path> out = Optional.empty();
            List<String> serverJvm = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> { }
                    case "--no-kafka" -> kafka = false;
                    case "--no-warmup-round" -> warmupRound = false;
                    case "--warmup-round" -> warmupRound = true;
                    case "--workloads" -> {
                        workloads = List.of(value(args, ++i, a).split(","));
                        for (String w : workloads) {
                            if (!ServerWorkloads.ALL.contains(w)) {
                                throw new IllegalArgumentException("unknown workload '" + w + "'; known: " + ServerWorkloads.ALL);
                            }
                        }
                    }
                    case "--warmup" -> warmup = Durations.parse(value(args, ++i, a));
                    case "--duration" -> measure = Durations.parse(value(args, ++i, a));
                    case "--repetitions" -> repetitions = positive(a, value(args, ++i, a));
                    case "--partitions" -> partitions = positive(a, value(args, ++i, a));
                    case "--batch" -> batch = positive(a, value(args, ++i, a));
                    case "--publish-threads" -> publishThreads = positive(a, value(args, ++i, a));
                    case "--single-threads" -> singleThreads = positive(a, value(args, ++i, a));
                    case "--latency-rate" -> latencyRate = positive(a, value(args, ++i, a));
                    case "--receivers" -> receivers = positive(a, value(args, ++i, a));
                    case "--receive-stock" -> receiveStock = positive(a, value(args, ++i, a));
                    case "--sse-subscribers" -> sseSubscribers = positive(a, value(args, ++i, a));
                    case "--sse-rate" -> sseRate = positive(a, value(args, ++i, a));
                    case "--webhook-stock" -> webhookStock = positive(a, value(args, ++i, a));
                    case "--webhook-concurrency" -> webhookConcurrency = positive(a, value(args, ++i, a));
                    case "--dir" -> dir = Path.of(value(args, ++i, a));
                    case "--out" -> out = Optional.of(Path.of(value(args, ++i, a)));
                    case "--server-jvm" -> serverJvm.add(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
                }
            }
            return new Options(workloads, warmup, measure, repetitions, batch, partitions, publishThreads, singleThreads,
                    latencyRate, receivers, receiveStock, sseSubscribers, sseRate, webhookStock, webhookConcurrency, kafka, dir,
                    out, List.copyOf(serverJvm), warmupRound, quick);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            return args[i];
        }

        private static int positive(String option, String text) {
            int n = Integer.parseInt(text);
            if (n <= 0) {
                throw new IllegalArgumentException(option + " must be positive, got " + n);
            }
            return n;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ResultTable table = run(options, System.err);
        System.out.println(table.toMarkdown());
        System.exit(table.rows().stream().anyMatch(r -> r.failure() != null) ? 1 : 0);
    }

    /** Runs the selected workloads; progress goes to {@code log}. Throws only if a system cannot start. */
    static ResultTable run(Options o, PrintStream log) throws Exception {
        boolean ownDir = !Files.exists(o.dir());
        Files.createDirectories(o.dir());
        ResultTable table = new ResultTable();
        String before = MachineNoise.measure(o.dir(), o.quick() ? 20 : 200);
        log.println("machine before: " + before);
        table.addNote("machine before the workloads: " + before);
        List<ServerSystem> systems = new ArrayList<>();
        KafkaProcess kafkaProcess = null;
        ServerProcess server = null;
        try (WebhookSink sink = new WebhookSink()) {
            long t0 = System.nanoTime();
            server = ServerProcess.start(o.dir().resolve("herald"), o.serverJvmOptions());
            log.printf(Locale.ROOT, "Herald server up at %s after %.1f s (pid %d)%n", server.url(), (System.nanoTime() - t0) / 1e9, server.pid());
            systems.add(new HeraldHttpSystem(server.url()));
            if (o.kafka()) {
                t0 = System.nanoTime();
                kafkaProcess = KafkaProcess.start(o.dir().resolve("kafka"));
                log.printf(Locale.ROOT, "Kafka broker up at %s after %.1f s%n", kafkaProcess.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
                systems.add(new KafkaClientsSystem(kafkaProcess.bootstrapServers()));
            }
            List<ServerWorkloads.Case> cases = ServerWorkloads.cases(o, sink);
            log.printf(Locale.ROOT, "server-bench: %d cases x %d repetitions%s, warm-up %s, measure %s%n", cases.size(), o.repetitions(),
                    o.warmupRound() ? " (after an unrecorded warm-up round)" : "", Durations.format(o.warmup()), Durations.format(o.measure()));
            int runNumber = 0;
            for (ServerWorkloads.Case c : cases) {
                Map<String, Map<Metric, List<Double>>> values = new HashMap<>();
                String failure = null;
                for (int rep = o.warmupRound() ? 0 : 1; rep <= o.repetitions() && failure == null; rep++) {
                    for (ServerSystem system : systems) {
                        String topic = c.workload() + "-" + (++runNumber);
                        long started = System.nanoTime();
                        try {
                            Map<Metric, Double> result = c.run().run(system, topic);
                            if (rep > 0) {
                                for (Metric m : c.metrics()) {
                                    values.computeIfAbsent(system.column(), k -> new LinkedHashMap<>())
                                            .computeIfAbsent(m, k -> new ArrayList<>()).add(result.get(m));
                                }
                            }
                            log.printf(Locale.ROOT, "  %-14s %-70s %-9s %-6s %s  (%.1f s)%n", c.workload(), c.label(),
                                    rep == 0 ? "warm-up" : "run " + rep, system.column(), describe(c.metrics(), result),
                                    (System.nanoTime() - started) / 1e9);
                        } catch (Exception e) {
                            failure = system.column() + ": " + e;
                            log.printf(Locale.ROOT, "  %-14s %-70s run %d %-6s FAILED%n", c.workload(), c.label(), rep, system.column());
                            e.printStackTrace(log);
                            break;
                        }
                    }
                }
                for (Metric m : c.metrics()) {
                    table.add(new ResultTable.Row(c.workload(), c.label(), m,
                            values.getOrDefault("Herald", Map.of()).getOrDefault(m, List.of()),
                            values.getOrDefault("Kafka", Map.of()).getOrDefault(m, List.of()),
                            Optional.ofNullable(c.targets().get(m)), failure));
                }
            }
            table.addNote("Herald: the server (" + ServerMain.class.getSimpleName() + ", embedded data directory) in its own JVM "
                    + String.join(" ", ServerProcess.JVM_OPTIONS) + (o.serverJvmOptions().isEmpty() ? "" : " " + String.join(" ", o.serverJvmOptions()))
                    + "; load from this JVM over HTTP/1.1 keep-alive connections (Http1Client: blocking sockets, at most " + HeraldHttpSystem.MAX_CONNECTIONS + "); topics with fsync never");
            if (o.kafka()) {
                table.addNote("Kafka: the broker in its own JVM; load from this JVM with kafka-clients (acks=all; batches: linger 5 ms, "
                        + "single events: linger 0), default flushing; record values are the events' structured JSON");
            }
        } finally {
            for (ServerSystem system : systems) {
                try {
                    system.close();
                } catch (Exception e) {
                    log.println("closing " + system.column() + " failed: " + e);
                }
            }
            if (server != null) {
                server.close();
                HeraldUnderTest.deleteRecursively(server.directory());
            }
            if (kafkaProcess != null) {
                kafkaProcess.close();
                HeraldUnderTest.deleteRecursively(kafkaProcess.directory());
            }
        }
        String after = MachineNoise.measure(o.dir(), o.quick() ? 20 : 200);
        log.println("machine after: " + after);
        table.addNote("machine after the workloads: " + after);
        if (ownDir) {
            try {
                Files.deleteIfExists(o.dir());
            } catch (java.nio.file.DirectoryNotEmptyException kept) {
                log.println("kept " + o.dir() + ": a run left files there");
            }
        }
        if (o.out().isPresent()) {
            Files.writeString(o.out().get(), table.toMarkdown());
        }
        return table;
    }

    private static String describe(List<Metric> metrics, Map<Metric, Double> result) {
        StringBuilder sb = new StringBuilder();
        for (Metric m : metrics) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(m.name()).append(' ').append(m.format(result.get(m))).append(' ').append(m.unit());
        }
        return sb.toString();
    }
}
