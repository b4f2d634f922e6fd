package io.herald.bench;

import io.herald.broker.Ordering;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The end-to-end benchmark: runs each workload's cases against Herald (embedded, in this JVM, on
 * a fresh data directory) and against a real Kafka 4.4 broker (a separate JVM started here),
 * repetition by repetition, alternating the two systems so that a slow phase of this noisy
 * machine hits both; then prints medians and ratios as a Markdown table. Progress, with every
 * run's numbers, goes to standard error.
 *
 * <pre>java -cp herald-bench.jar io.herald.bench.Driver [--quick] [--no-kafka] [--workloads ...] ...</pre>
 * See {@link BenchOptions#USAGE}.
 */
public final class Driver {

    private Driver() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
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
    static ResultTable run(BenchOptions options, PrintStream log) throws Exception {
        List<BenchCase> cases = selectCases(options);
        boolean ownDir = !Files.exists(options.dir());
        Files.createDirectories(options.dir());
        log.printf(Locale.ROOT, "herald-bench: %d cases x %d repetitions, warm-up %s, measure %s, data in %s%n",
                cases.size(), options.repetitions(), options.warmup(), options.measure(), options.dir());
        ResultTable table = new ResultTable();
        String before = MachineNoise.measure(options.dir(), options.quick() ? 20 : 200);
        log.println("machine before: " + before);
        table.addNote("machine before the workloads: " + before);
        KafkaProcess kafkaProcess = null;
        List<BrokerUnderTest> systems = new ArrayList<>();
        // the kafka-backend workload's pair: Herald's Kafka backend and raw Kafka, on the same broker
        List<BrokerUnderTest> kafkaBackendPair = new ArrayList<>();
        try {
            systems.add(new HeraldUnderTest(options.dir().resolve("herald"), options.lease()));
            if (options.kafka()) {
                long t0 = System.nanoTime();
                kafkaProcess = KafkaProcess.start(options.dir().resolve("kafka"));
                log.printf(Locale.ROOT, "Kafka broker up at %s after %.1f s%n", kafkaProcess.bootstrapServers(), (System.nanoTime() - t0) / 1e9);
                KafkaUnderTest kafka = new KafkaUnderTest(kafkaProcess.bootstrapServers());
                systems.add(kafka);
                if (cases.stream().anyMatch(BenchCase::onKafkaBackend)) {
                    kafkaBackendPair.add(new HeraldKafkaUnderTest(kafkaProcess.bootstrapServers(), options.lease()));
                    kafkaBackendPair.add(kafka);
                    if (!options.quick()) {
                        KafkaBackendWorkload.warmUp(kafkaBackendPair, options, options.dir().resolve("scratch-warmup"), log);
                    }
                }
            }
            if (!options.quick() && options.workloads().stream().anyMatch(w -> w.equals(AckedWorkload.NAME) || w.equals(RetryWorkload.NAME))) {
                for (BrokerUnderTest system : systems) {
                    AckedWorkload.warmUp(system, options, options.dir().resolve("scratch-warmup"), log);
                }
            }
            int runNumber = 0;
            Map<String, Map<Metric, Double>> sharedRuns = new HashMap<>();
            for (BenchCase c : cases) {
                Map<String, Map<Metric, List<Double>>> values = new HashMap<>();
                String failure = null;
                for (int rep = 1; rep <= options.repetitions() && failure == null; rep++) {
                    for (BrokerUnderTest system : c.onKafkaBackend() ? kafkaBackendPair : systems) {
                        if (c.heraldOnly() && !(system instanceof HeraldUnderTest)) {
                            continue;
                        }
                        int repetition = rep;
                        Optional<String> shared = c.sharedRun(system).map(k -> k + " #" + repetition);
                        if (shared.isPresent() && sharedRuns.containsKey(shared.get())) {
                            Map<Metric, Double> result = sharedRuns.get(shared.get());
                            for (Metric m : c.metrics()) {
                                values.computeIfAbsent(system.column(), k -> new LinkedHashMap<>())
                                        .computeIfAbsent(m, k -> new ArrayList<>()).add(result.get(m));
                            }
                            log.printf(Locale.ROOT, "  %-8s %-50s run %d %-6s %s  (the same run as an earlier case: %s)%n", c.workload(),
                                    c.label(), rep, system.name(), describe(c, result), shared.get());
                            continue;
                        }
                        String topic = c.workload() + "-" + (++runNumber);
                        Path scratch = options.dir().resolve("scratch-" + runNumber);
                        long t0 = System.nanoTime();
                        try {
                            Map<Metric, Double> result = c.run(system, new RunContext(options, topic, scratch));
                            shared.ifPresent(k -> sharedRuns.put(k, result));
                            for (Metric m : c.metrics()) {
                                values.computeIfAbsent(system.column(), k -> new LinkedHashMap<>())
                                        .computeIfAbsent(m, k -> new ArrayList<>()).add(result.get(m));
                            }
                            log.printf(Locale.ROOT, "  %-8s %-50s run %d %-6s %s  (%.1f s)%n", c.workload(), c.label(), rep,
                                    system.name(), describe(c, result), (System.nanoTime() - t0) / 1e9);
                        } catch (Exception e) {
                            failure = system.name() + ": " + e;
                            log.printf(Locale.ROOT, "  %-8s %-50s run %d %-6s FAILED%n", c.workload(), c.label(), rep, system.name());
                            e.printStackTrace(log);
                            break;
                        } finally {
                            HeraldUnderTest.deleteRecursively(scratch);
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
            if (options.workloads().contains(AckedWorkload.NAME)) {
                AckedWorkload.checks(table).forEach(table::addCheck);
            }
            if (options.workloads().contains(RetryWorkload.NAME)) {
                RetryWorkload.checks(table).forEach(table::addCheck);
            }
            if (options.workloads().contains(KafkaBackendWorkload.NAME)) {
                table.addNote("kafka-backend rows: the Herald column is Herald's Kafka backend (KafkaBroker, herald-kafka), the Kafka "
                        + "column raw kafka-clients, both against the same Kafka broker; Herald advantage below 1× is its overhead");
                for (BrokerUnderTest system : kafkaBackendPair) {
                    String consumers = Integer.toString(KafkaBackendWorkload.CONSUMERS);
                    table.addNote(system instanceof HeraldKafkaUnderTest
                            ? String.format(Locale.ROOT, "kafka-backend, %s: PARTITION: %s; 1-ms handler: KEY, %s", system.name(),
                                    system.ackedShape(Ordering.PARTITION, consumers),
                                    system.ackedShape(Ordering.KEY, Integer.toString(KafkaBackendWorkload.KEY_CONCURRENCY)))
                            : String.format(Locale.ROOT, "kafka-backend, %s: PARTITION and 1-ms handler: %s, one thread per partition",
                                    system.name(), system.ackedShape(Ordering.PARTITION, consumers)));
                }
                table.addNote("kafka-backend, the row 'Kafka: CloudEvents SDK deserializer': the Kafka column's producer writes the "
                        + "records Herald writes (CloudEvents binary mode) and its consumers read them with the CloudEvents SDK's "
                        + "CloudEventDeserializer (io.cloudevents:cloudevents-kafka); the other rows' Kafka records are EventBinaryFormat "
                        + "values without headers");
            }
            if (options.workloads().stream().anyMatch(w -> List.of(AckedWorkload.NAME, RetryWorkload.NAME, RedriveWorkload.NAME).contains(w))) {
                table.addNote("Herald KEY/NONE lease duration: " + options.lease().toMillis() + " ms; retry backoff: none (a nack is delivered again at once)");
                for (BrokerUnderTest system : systems) {
                    for (var ordering : options.orderings()) {
                        table.addNote(String.format(Locale.ROOT, "%s, %s with N consumers: %s", system.name(), ordering,
                                system.ackedShape(ordering, "N")));
                    }
                }
            }
        } finally {
            for (BrokerUnderTest system : kafkaBackendPair) {
                if (system instanceof HeraldKafkaUnderTest heraldOnKafka) {
                    try {
                        heraldOnKafka.close();
                    } catch (Exception e) {
                        log.println("closing " + system.name() + " failed: " + e);
                    }
                }
            }
            for (BrokerUnderTest system : systems) {
                try {
                    system.close();
                } catch (Exception e) {
                    log.println("closing " + system.name() + " failed: " + e);
                }
            }
            if (kafkaProcess != null) {
                kafkaProcess.close();
                HeraldUnderTest.deleteRecursively(kafkaProcess.directory());
            }
        }
        String after = MachineNoise.measure(options.dir(), options.quick() ? 20 : 200);
        log.println("machine after: " + after);
        table.addNote("machine after the workloads: " + after);
        if (ownDir) {
            try {
                Files.deleteIfExists(options.dir()); // empty unless a run failed to clean up
            } catch (java.nio.file.DirectoryNotEmptyException kept) {
                log.println("kept " + options.dir() + ": a run left files there");
            }
        }
        if (options.out().isPresent()) {
            Files.writeString(options.out().get(), table.toMarkdown());
        }
        return table;
    }

    /** The cases of the selected workloads in order; a configuration two workloads share runs once. */
    static List<BenchCase> selectCases(BenchOptions options) {
        List<BenchCase> cases = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String workload : options.workloads()) {
            List<BenchCase> of = switch (workload) {
                case AlwaysWorkload.NAME -> AlwaysWorkload.cases(options);
                case PublishWorkload.NAME -> PublishWorkload.cases(options);
                case ConsumeWorkload.NAME -> ConsumeWorkload.cases(options);
                case LatencyWorkload.NAME -> LatencyWorkload.cases(options);
                case ReopenWorkload.NAME -> ReopenWorkload.cases(options);
                case AckedWorkload.NAME -> AckedWorkload.cases(options);
                case RetryWorkload.NAME -> RetryWorkload.cases(options);
                case RedriveWorkload.NAME -> RedriveWorkload.cases(options);
                case KafkaBackendWorkload.NAME -> KafkaBackendWorkload.cases(options);
                default -> throw new IllegalArgumentException("unknown workload " + workload);
            };
            for (BenchCase c : of) {
                if (seen.add(c.key())) {
                    cases.add(c);
                }
            }
        }
        return cases;
    }

    private static String describe(BenchCase c, Map<Metric, Double> result) {
        StringBuilder sb = new StringBuilder();
        for (Metric m : c.metrics()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(m.name().equals("throughput") ? "" : m.name() + " ").append(m.format(result.get(m))).append(' ').append(m.unit());
        }
        return sb.toString();
    }
}
