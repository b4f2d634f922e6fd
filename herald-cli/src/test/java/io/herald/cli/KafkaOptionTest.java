package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka} points every command at a Kafka cluster instead of a data directory. */
class KafkaOptionTest {

    @TempDir
    Path data;

    @Test
    void anUnreachableClusterIsReportedWithItsServers() throws Exception {
        String servers;
        try (ServerSocket s = new ServerSocket(0)) {
            servers = "127.0.0.1:" + s.getLocalPort(); // closed again: nothing listens there
        }
        var result = Cli.execute("", Map.of(), "topics", "list", "--kafka", servers);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).contains(servers);
    }

    @Test
    void kafkaAndADataDirectoryAtOnceIsAUsageError() {
        var result = Cli.execute("", Map.of(), "topics", "list", "--kafka", "h:9092", "--data", data.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("either --kafka or --data");
    }

    @Test
    void aDataDirectoryGivenWinsOverTheKafkaEnvironmentVariable() {
        var result = Cli.execute("", Map.of(HeraldCommand.KAFKA_ENVIRONMENT_VARIABLE, "nowhere:9092"),
                "topics", "create", "orders", "--data", data.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(data.resolve("topics/orders")).isDirectory();
    }
}
