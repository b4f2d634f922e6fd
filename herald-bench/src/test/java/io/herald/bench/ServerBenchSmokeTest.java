package io.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server bench end to end in its smoke configuration (--quick --no-kafka): a real server in a
 * child JVM, every workload against it over HTTP, a row per case and metric with a number and no
 * failure. Speed is not asserted: this machine's numbers are for BENCHMARKS.md, not for a test.
 */
class ServerBenchSmokeTest {

    @Test
    @Timeout(180)
    void quickRunWithoutKafkaMeasuresEveryWorkloadAgainstAServerProcess(@TempDir Path dir) throws Exception {
        ServerBench.Options options = ServerBench.Options.parse("--quick", "--no-kafka", "--dir", dir.toString());
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        ResultTable table = ServerBench.run(options, new PrintStream(log, true, StandardCharsets.UTF_8));

        assertThat(table.rows()).extracting(ResultTable.Row::workload).containsOnly(ServerWorkloads.ALL.toArray(String[]::new));
        for (ResultTable.Row row : table.rows()) {
            assertThat(row.failure()).as("failure of %s %s; log:%n%s", row.workload(), row.label(), log).isNull();
            assertThat(row.heraldRuns()).as("Herald runs of %s %s", row.label(), row.metric()).hasSize(1);
            assertThat(row.herald().getAsDouble()).as("%s %s", row.label(), row.metric()).isNotNegative();
            assertThat(row.kafkaRuns()).isEmpty();
        }
    }

    @Test
    void wireEventsCarryTheirDueTimeInOneHundredBytesOfJsonData() {
        byte[] data = WireEvents.data(123_456_789L);
        assertThat(data).hasSize(WireEvents.DATA_BYTES);
        assertThat(new String(data, StandardCharsets.US_ASCII)).startsWith("{\"due\":\"0000000000123456789\",\"pad\":\"xx").endsWith("x\"}");
        byte[] event = WireEvents.structured("id-1", "k7", 42);
        String json = new String(event, StandardCharsets.US_ASCII);
        assertThat(json).contains("\"id\":\"id-1\"", "\"partitionkey\":\"k7\"", "\"data\":{\"due\":\"0000000000000000042\"");
        assertThat(WireEvents.due(event, 0, event.length)).isEqualTo(42);
        assertThat(WireEvents.due("data: {\"event\":" + json + "}")).isEqualTo(42);
        assertThat(new String(WireEvents.batch(new byte[][] {event, event}), StandardCharsets.US_ASCII)).isEqualTo("[" + json + "," + json + "]");
    }
}
