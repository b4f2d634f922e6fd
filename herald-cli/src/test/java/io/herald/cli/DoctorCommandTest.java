package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.broker.Broker;
import io.herald.broker.Ordering;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {

    @TempDir
    Path data;

    private void publish() {
        try (Broker broker = EmbeddedBroker.open(data)) {
            broker.createTopic("orders", TopicSpec.partitions(2).segmentBytes(1024));
            for (int i = 0; i < 200; i++) {
                broker.publish("orders", Event.builder().type("order.placed").source("/test").partitionKey("k" + i).data("order-" + i).build())
                        .join();
            }
        }
    }

    private Map<Path, Long> sizes() throws Exception {
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toMap(p -> p, p -> p.toFile().length()));
        }
    }

    private Path damageSecondSegmentOfPartitionZero() throws Exception {
        List<Path> segments;
        try (Stream<Path> files = Files.list(data.resolve("topics/orders/0"))) {
            segments = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        Path damaged = segments.get(1);
        try (RandomAccessFile raf = new RandomAccessFile(damaged.toFile(), "rw")) {
            raf.seek(100);
            int b = raf.read();
            raf.seek(100);
            raf.write(b ^ 0xFF);
        }
        return damaged;
    }

    @Test
    void aWholeDirectoryIsReportedIntactLogByLog() throws Exception {
        publish();
        var result = new Cli(data).run("doctor");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("orders/0", "orders/1", "internal/metadata", "all intact");
        assertThat(result.outLines().getFirst()).contains("LOG", "SEGMENTS", "OFFSETS", "EVENTS", "STATUS");
    }

    @Test
    void damageIsReportedWithFileBytesAndOffsetsAndNothingIsChanged() throws Exception {
        publish();
        Path damaged = damageSecondSegmentOfPartitionZero();
        Map<Path, Long> before = sizes();
        var result = new Cli(data).run("doctor");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out()).contains("DAMAGED " + damaged.getFileName() + " at byte ", "crc mismatch", "consumers stop there");
        assertThat(result.outLines()).filteredOn(l -> l.startsWith("orders/1")).singleElement().asString().endsWith("intact");

        var json = new Cli(data).run("doctor", "--format", "json");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertThat(report.get("intact").asBoolean()).isFalse();
        JsonNode zero = null;
        for (JsonNode log : report.get("logs")) {
            if (log.get("log").asText().equals("orders/0")) {
                zero = log;
            }
        }
        assertThat(zero).isNotNull();
        JsonNode damage = zero.get("damage").get(0);
        assertThat(damage.get("file").asText()).endsWith(damaged.getFileName().toString());
        assertThat(damage.get("endOffset").asLong()).isGreaterThan(damage.get("firstOffset").asLong());
        assertThat(sizes()).as("doctor changes nothing").isEqualTo(before);
    }

    @Test
    void aSubscriptionOfTheDamagedPartitionSaysWhereItsConsumersStop() throws Exception {
        publish();
        Path damaged = damageSecondSegmentOfPartitionZero();
        Files.delete(damaged.resolveSibling(damaged.getFileName().toString().replace(".log", ".index"))); // found on open
        try (Broker broker = EmbeddedBroker.open(data)) {
            broker.pullSubscriber("orders", "audit", SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST)).close();
        }
        var result = new Cli(data).run("groups", "describe", "orders", "audit");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("partition 0 stops at damaged data: ", damaged.getFileName().toString(), "crc mismatch",
                "herald groups reset");
        assertThat(result.out()).doesNotContain("partition 1 stops");
    }

    @Test
    void aMissingOrFileDataDirectoryIsNamedAndNotCreated() throws Exception {
        Path missing = data.resolve("nope");
        var result = Cli.execute("", Map.of(), "doctor", "--data", missing.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("there is no data directory at", "doctor never creates one");
        assertThat(missing).doesNotExist();
        Path file = Files.writeString(data.resolve("file"), "x");
        assertThat(Cli.execute("", Map.of(), "doctor", "--data", file.toString()).err()).contains("is a file, not a data directory");
    }

    @Test
    void aDirectoryInUseIsRefused() throws Exception {
        publish();
        try (Broker ignored = EmbeddedBroker.open(data)) {
            var result = new Cli(data).run("doctor");
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("in use by a Herald process");
        }
    }
}
