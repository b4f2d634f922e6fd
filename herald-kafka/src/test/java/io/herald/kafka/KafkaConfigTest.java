package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.ClusterUnreachableException;
import io.herald.Herald;
import io.herald.KafkaConfig;
import io.herald.error.InvalidSpecException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaConfigTest {

    @Test
    void badSettingsNameTheSetting() {
        assertThatThrownBy(() -> KafkaConfig.of(" ")).isInstanceOf(InvalidSpecException.class).hasMessageContaining("bootstrap");
        assertThatThrownBy(() -> KafkaConfig.of("h:9092").replicationFactor((short) 0))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("replication factor");
        assertThatThrownBy(() -> KafkaConfig.of("h:9092").requestTimeout(Duration.ZERO))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("request timeout");
        assertThatThrownBy(() -> KafkaConfig.of("h:9092").maxEventBytes(10))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("max event bytes");
    }

    @Test
    void clientPropertiesPassThroughUnderTheBootstrapServers() {
        KafkaConfig config = KafkaConfig.of("h:9092").clientProperty("security.protocol", "SASL_SSL").clientProperty("bootstrap.servers", "ignored:1");
        assertThat(config.clientBase()).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "h:9092");
    }

    @Test
    void anUnreachableClusterFailsWithinTheTimeoutNamingTheBootstrapServers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String bootstrap = "127.0.0.1:" + port;
        long start = System.nanoTime();
        assertThatThrownBy(() -> Herald.kafka(KafkaConfig.of(bootstrap).requestTimeout(Duration.ofSeconds(1))))
                .isInstanceOf(ClusterUnreachableException.class)
                .hasMessageContaining(bootstrap)
                .hasMessageContaining("1000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
