package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver end to end in its smoke configuration (--quick --no-kafka): every selected case
 * yields a measured row for each of its metrics. Speed is not asserted: this machine's numbers
 * are for BENCHMARKS.md, not for a test.
 */
class DriverSmokeTest {

    @Test
    @Timeout(60)
    void quickRunWithoutKafkaProducesARowPerCaseAndMetric(@TempDir Path dir) throws Exception {
        BenchOptions options = BenchOptions.parse("--quick", "--no-kafka", "--workloads", "publish,consume,reopen",
                "--dir", dir.toString(), "--out", dir.resolve("results.md").toString());
        List<BenchCase> cases = Driver.selectCases(options);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        ResultTable table = Driver.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));

        int expectedRows = cases.stream().mapToInt(c -> c.metrics().size()).sum();
        assertThat(table.rows()).hasSize(expectedRows);
        assertThat(table.rows()).extracting(ResultTable.Row::workload).contains("publish", "consume", "reopen");
        for (ResultTable.Row row : table.rows()) {
            assertThat(row.failure()).as("failure of %s", row.label()).isNull();
            assertThat(row.heraldRuns()).as("Herald runs of %s %s", row.label(), row.metric()).hasSize(1);
            assertThat(row.herald()).isPresent();
            assertThat(row.herald().getAsDouble()).isPositive();
            assertThat(row.kafkaRuns()).isEmpty();
        }
        assertThat(dir.resolve("results.md")).content().contains("| publish | 100 B, 1 p, never, batch, 1 thr |");
    }

    /** One case of each reliable-delivery workload (acked, retry, redrive): a row per metric, nothing about speed. */
    @Test
    @Timeout(90)
    void quickRunOfTheReliableDeliveryWorkloadsProducesTheirRows(@TempDir Path dir) throws Exception {
        BenchOptions options = BenchOptions.parse("--quick", "--no-kafka", "--workloads", "acked,retry,redrive",
                "--dir", dir.toString());
        List<BenchCase> cases = Driver.selectCases(options);
        assertThat(cases).extracting(BenchCase::workload).containsExactly("acked", "retry", "redrive");

        ResultTable table = Driver.run(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(table.rows()).hasSize(cases.stream().mapToInt(c -> c.metrics().size()).sum());
        assertThat(table.rows()).extracting(ResultTable.Row::workload).contains("acked", "retry", "redrive");
        for (ResultTable.Row row : table.rows()) {
            assertThat(row.failure()).as("failure of %s", row.label()).isNull();
            assertThat(row.heraldRuns()).as("Herald runs of %s %s", row.label(), row.metric()).hasSize(1);
            assertThat(row.kafkaRuns()).isEmpty();
        }
    }

    @Test
    void reliableDeliveryWorkloadsRunOnlyWhenNamed() {
        assertThat(BenchOptions.parse().workloads()).doesNotContain("acked", "retry", "redrive");
        BenchOptions options = BenchOptions.parse("--workloads", "acked", "--orderings", "key,none", "--consumers", "1,64",
                "--handler-ms", "1");
        assertThat(AckedWorkload.cases(options)).extracting(BenchCase::label).containsExactly(
                "KEY, 1 cons, handler 1 ms, latency at 500 ev/s", "KEY, 64 cons, handler 1 ms, latency at 500 ev/s",
                "NONE, 1 cons, handler 1 ms, latency at 500 ev/s", "NONE, 64 cons, handler 1 ms, latency at 500 ev/s");
    }

    @Test
    void optionsGivenAfterQuickWin() {
        BenchOptions options = BenchOptions.parse("--quick", "--repetitions", "2", "--sizes", "100,1024");
        assertThat(options.repetitions()).isEqualTo(2);
        assertThat(options.sizes()).containsExactly(100, 1024);
        assertThat(options.measure().toMillis()).isEqualTo(500);
        assertThat(options.kafka()).isTrue();
    }

    @Test
    void standardMatrixPairsPartitionsWithThreadsAndFullMatrixCrossesThem() {
        String[] dims = {"--sizes", "100", "--fsync", "never", "--modes", "batch", "--partitions", "1,8", "--threads", "1,8"};
        assertThat(PublishWorkload.cases(BenchOptions.parse(dims))).extracting(BenchCase::label)
                .containsExactly("100 B, 1 p, never, batch, 1 thr", "100 B, 8 p, never, batch, 8 thr");
        String[] full = java.util.stream.Stream.concat(java.util.Arrays.stream(dims), java.util.stream.Stream.of("--full-matrix"))
                .toArray(String[]::new);
        assertThat(PublishWorkload.cases(BenchOptions.parse(full))).hasSize(4);
    }
    /**
     * The kafka-backend rows run on Herald's Kafka backend and raw Kafka, and carry the two
     * targets; the PARTITION target against both baselines (EventBinaryFormat values, and Herald's
     * own records read with the CloudEvents SDK).
     */
    @Test
    void kafkaBackendWorkloadComparesHeraldOnKafkaWithRawKafka() {
        List<BenchCase> cases = Driver.selectCases(BenchOptions.parse("--quick", "--workloads", "kafka-backend"));
        assertThat(cases).allMatch(BenchCase::onKafkaBackend).extracting(BenchCase::workload).containsOnly("kafka-backend");
        assertThat(cases).extracting(c -> c.targets().values().stream().map(Target::describe).toList()).containsExactly(
                List.of(), List.of(), List.of("overhead ≤ 15 % of Kafka"), List.of("overhead ≤ 15 % of Kafka"), List.of("≥ 5× Kafka"));
        assertThat(cases.get(3).label()).contains("CloudEvents SDK");
        assertThat(new Target.ShareOfKafka(0.85, Metric.ACKED_PER_SECOND).met(86, OptionalDouble.of(100))).contains(true);
        assertThat(new Target.ShareOfKafka(0.85, Metric.ACKED_PER_SECOND).met(84, OptionalDouble.of(100))).contains(false);
    }

    @Test
    void kafkaBackendWorkloadWithoutKafkaIsRefused() {
        assertThatThrownBy(() -> BenchOptions.parse("--no-kafka", "--workloads", "kafka-backend"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drop --no-kafka");
    }
}
