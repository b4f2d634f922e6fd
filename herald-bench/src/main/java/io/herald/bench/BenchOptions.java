package io.herald.bench;

import io.herald.broker.Durations;
import io.herald.broker.Ordering;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The driver's options. {@code --quick} first sets the defaults of a smoke run (tiny durations,
 * one repetition, the smallest matrix); any option given explicitly wins over it.
 *
 * @param workloads       which workloads run, in this order
 * @param warmup          load before each measurement, on the same fresh topic (not counted)
 * @param measure         how long each throughput or latency measurement lasts
 * @param repetitions     runs per case and system; the table shows their median
 * @param consumeEvents   events each consume run reads back
 * @param latencyRate     events per second of the paced publisher of the latency workload
 * @param reopenBytes     how much the reopen workload writes before the kill -9
 * @param dropCaches      the reopen workload also measures a reopen with the page cache dropped (root)
 * @param kafka           whether to start Kafka and run every case against it too
 * @param fullMatrix      every combination of the publish dimensions, not the standard subset
 * @param sizes           publish matrix: event data bytes
 * @param partitions      publish matrix: partitions
 * @param durabilities    publish matrix: fsync policies
 * @param modes           publish matrix: single or batch publish
 * @param threads         publish matrix: publishing threads
 * @param dir             where data directories (Herald's and Kafka's) go: one disk for both
 * @param out             a file to write the result table to, besides standard output
 * @param quick           a smoke run: also the machine probes take fewer samples
 * @param orderings       reliable-delivery workloads (acked, retry, redrive): the subscription orderings
 * @param consumers       acked: consumers per subscription
 * @param handlerMillis   acked: what each delivery's handler costs (0 = ack at once; others sleep that long)
 * @param ackedRate       acked: events per second of the paced publisher of the publish-to-ack latency phase
 * @param failurePercent  retry: the share of events whose first delivery fails (nack)
 * @param redriveEvents   redrive: events dead-lettered and then redriven per run
 * @param ackedStock      acked, retry: events published (consumers held) before the throughput phase drains them
 * @param lease           Herald KEY and NONE subscriptions' lease duration (the API's default, 30 s, unless
 *                        given: a diagnostic knob, since an acked delivery's lease timer lives that long)
 */
record BenchOptions(List<String> workloads, Duration warmup, Duration measure, int repetitions, long consumeEvents,
                    int latencyRate, long reopenBytes, boolean dropCaches, boolean kafka, boolean fullMatrix,
                    List<Integer> sizes, List<Integer> partitions, List<Durability> durabilities,
                    List<PublishMode> modes, List<Integer> threads, Path dir, Optional<Path> out, boolean quick,
                    List<Ordering> orderings, List<Integer> consumers, List<Integer> handlerMillis, int ackedRate,
                    int failurePercent, long redriveEvents, long ackedStock, Duration lease) {

    static final List<String> ALL_WORKLOADS = List.of(
            AlwaysWorkload.NAME, PublishWorkload.NAME, ConsumeWorkload.NAME, LatencyWorkload.NAME, ReopenWorkload.NAME,
            AckedWorkload.NAME, RetryWorkload.NAME, RedriveWorkload.NAME, KafkaBackendWorkload.NAME);
    /**
     * What runs without {@code --workloads}: the publish, consume, latency and reopen workloads, as
     * before the reliable-delivery ones (acked, retry, redrive) were added; name those to run them.
     */
    static final List<String> DEFAULT_WORKLOADS = ALL_WORKLOADS.subList(0, 5);

    static final String USAGE = """
            usage: java -cp herald-bench.jar io.herald.bench.Driver [options]
              --workloads a,b,...   of %s
                                    (default: the first five; acked, retry, redrive, kafka-backend run when named;
                                    kafka-backend: Herald's Kafka backend against raw kafka-clients)
              --warmup 2s           load before each measurement, not counted
              --duration 5s         each throughput / latency measurement
              --repetitions 3       runs per case and system (median reported)
              --events 1000000      events per consume run
              --rate 10000          events/s of the latency workload's paced publisher
              --reopen-bytes 1g     written before the kill -9 of the reopen workload
              --drop-caches         reopen also measured with the page cache dropped (needs root)
              --no-kafka            Herald only
              --full-matrix         every combination of sizes x partitions x fsync x modes x threads
              --sizes 100,1024 --partitions 1,8 --fsync always,interval,never
              --modes single,batch --threads 1,8      the publish matrix's dimensions
              --dir PATH            data directories of both systems (default: a temp directory)
              --out FILE            also write the result table (Markdown) there
              --orderings partition,key,none   reliable delivery (acked, retry, redrive): subscription orderings
              --consumers 1,8,64    acked: consumers per subscription
              --handler-ms 0,1      acked: handler cost per delivery (0 = ack at once)
              --acked-rate 5000     acked: events/s of the paced publisher of the publish-to-ack latency phase
              --failure-percent 10  retry: events whose first delivery fails (nack), in percent
              --redrive-events 2000 redrive: events dead-lettered, then redriven, per run
              --acked-stock 1000000  acked, retry: events published, consumers held, before the throughput phase
              --lease 30s           Herald KEY/NONE lease duration (default: the API's, 30 s)
              --quick               a smoke run: 0.2 s warm-up, 0.5 s runs, 1 repetition, small matrix
            """.formatted(String.join(",", ALL_WORKLOADS));

    static BenchOptions parse(String... args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> workloads = DEFAULT_WORKLOADS;
        Duration warmup = quick ? Duration.ofMillis(200) : Duration.ofSeconds(2);
        Duration measure = quick ? Duration.ofMillis(500) : Duration.ofSeconds(5);
        int repetitions = quick ? 1 : 3;
        long consumeEvents = quick ? 20_000 : 1_000_000;
        int rate = 10_000;
        long reopenBytes = quick ? 16L << 20 : 1L << 30;
        boolean dropCaches = false;
        boolean kafka = true;
        boolean fullMatrix = false;
        List<Integer> sizes = quick ? List.of(100) : List.of(100, 1024);
        List<Integer> partitions = quick ? List.of(1) : List.of(1, 8);
        List<Durability> durabilities = quick ? List.of(Durability.NEVER) : List.of(Durability.values());
        List<PublishMode> modes = List.of(PublishMode.SINGLE, PublishMode.BATCH);
        List<Integer> threads = quick ? List.of(1) : List.of(1, 8);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "herald-bench-" + ProcessHandle.current().pid());
        Optional<Path> out = Optional.empty();
        List<Ordering> orderings = quick ? List.of(Ordering.KEY) : List.of(Ordering.values());
        List<Integer> consumers = quick ? List.of(8) : List.of(1, 8, 64);
        List<Integer> handlerMillis = quick ? List.of(0) : List.of(0, 1);
        int ackedRate = 5_000;
        int failurePercent = 10;
        long redriveEvents = quick ? 500 : 2_000;
        Duration lease = io.herald.broker.SubscriptionSpec.DEFAULT_LEASE;
        long ackedStock = quick ? 20_000 : 1_000_000;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> { }
                case "--no-kafka" -> kafka = false;
                case "--drop-caches" -> dropCaches = true;
                case "--full-matrix" -> fullMatrix = true;
                case "--workloads" -> workloads = list(value(args, ++i, a), w -> {
                    if (!ALL_WORKLOADS.contains(w)) {
                        throw new IllegalArgumentException("unknown workload '" + w + "'; known: " + ALL_WORKLOADS);
                    }
                    return w;
                });
                case "--warmup" -> warmup = Durations.parse(value(args, ++i, a));
                case "--duration" -> measure = Durations.parse(value(args, ++i, a));
                case "--repetitions" -> repetitions = positive(a, Integer.parseInt(value(args, ++i, a)));
                case "--events" -> consumeEvents = positive(a, Long.parseLong(value(args, ++i, a)));
                case "--rate" -> rate = positive(a, Integer.parseInt(value(args, ++i, a)));
                case "--reopen-bytes" -> reopenBytes = positive(a, bytes(value(args, ++i, a)));
                case "--sizes" -> sizes = list(value(args, ++i, a), Integer::parseInt);
                case "--partitions" -> partitions = list(value(args, ++i, a), Integer::parseInt);
                case "--fsync" -> durabilities = list(value(args, ++i, a), Durability::parse);
                case "--modes" -> modes = list(value(args, ++i, a), PublishMode::parse);
                case "--threads" -> threads = list(value(args, ++i, a), Integer::parseInt);
                case "--dir" -> dir = Path.of(value(args, ++i, a));
                case "--out" -> out = Optional.of(Path.of(value(args, ++i, a)));
                case "--orderings" -> orderings = list(value(args, ++i, a), o -> Ordering.valueOf(o.toUpperCase(Locale.ROOT)));
                case "--consumers" -> consumers = list(value(args, ++i, a), c -> positive(a, Integer.parseInt(c)));
                case "--handler-ms" -> handlerMillis = list(value(args, ++i, a), Integer::parseInt);
                case "--acked-rate" -> ackedRate = positive(a, Integer.parseInt(value(args, ++i, a)));
                case "--failure-percent" -> failurePercent = Integer.parseInt(value(args, ++i, a));
                case "--redrive-events" -> redriveEvents = positive(a, Long.parseLong(value(args, ++i, a)));
                case "--acked-stock" -> ackedStock = positive(a, Long.parseLong(value(args, ++i, a)));
                case "--lease" -> lease = Durations.parse(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
            }
        }
        if (!kafka && workloads.contains(KafkaBackendWorkload.NAME)) {
            throw new IllegalArgumentException("workload " + KafkaBackendWorkload.NAME + " runs on a Kafka broker; drop --no-kafka");
        }
        if (failurePercent < 0 || failurePercent > 100) {
            throw new IllegalArgumentException("--failure-percent must be between 0 and 100, got " + failurePercent);
        }
        if (handlerMillis.stream().anyMatch(m -> m < 0)) {
            throw new IllegalArgumentException("--handler-ms must not be negative, got " + handlerMillis);
        }
        return new BenchOptions(workloads, warmup, measure, repetitions, consumeEvents, rate, reopenBytes, dropCaches,
                kafka, fullMatrix, sizes, partitions, durabilities, modes, threads, dir, out, quick,
                orderings, consumers, handlerMillis, ackedRate, failurePercent, redriveEvents, ackedStock, lease);
    }

    /** These options with another {@code ackedStock}: a workload whose stock is its own. */
    BenchOptions withAckedStock(long stock) {
        return new BenchOptions(workloads, warmup, measure, repetitions, consumeEvents, latencyRate, reopenBytes, dropCaches,
                kafka, fullMatrix, sizes, partitions, durabilities, modes, threads, dir, out, quick,
                orderings, consumers, handlerMillis, ackedRate, failurePercent, redriveEvents, stock, lease);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    private static <T> List<T> list(String csv, Function<String, T> parse) {
        List<T> values = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                values.add(parse.apply(s.trim()));
            }
        }
        return List.copyOf(values);
    }

    private static <N extends Number> N positive(String option, N n) {
        if (n.doubleValue() <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + n);
        }
        return n;
    }

    /** {@code 1073741824}, {@code 512m}, {@code 1g}, {@code 64k}. */
    static long bytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }
}
