package io.herald.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.EmbeddedConfig;
import io.herald.KafkaConfig;
import io.herald.error.InvalidSpecException;
import io.herald.server.auth.Permission;
import io.herald.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags, then environment, then the config file, then defaults; every bad value named with where it came from. */
class ServerSettingsTest {

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("herald.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void theDefaultsAreLoopbackPort7070OnHeraldDataWithoutAuthentication() {
        ServerConfig c = ServerSettings.resolve(Map.of(), Map.of());
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(7070);
        assertThat(((EmbeddedConfig) c.backend()).dataDirectory()).isEqualTo(Path.of("herald-data"));
        assertThat(c.authEnabled()).isFalse();
        assertThat(c.duplicateWindow()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aFlagBeatsTheEnvironmentWhichBeatsTheFile() throws Exception {
        Path f = file("port: 7001\nhost: 127.0.0.2\nlimits:\n  maxBatchEvents: 7\n");
        Map<String, String> env = Map.of("HERALD_CONFIG", f.toString(), "HERALD_PORT", "7002", "HERALD_LIMITS_MAX_BATCH_EVENTS", "8");
        ServerConfig fromFileAndEnv = ServerSettings.resolve(Map.of(), env);
        assertThat(fromFileAndEnv.port()).isEqualTo(7002);
        assertThat(fromFileAndEnv.host()).isEqualTo("127.0.0.2");
        assertThat(fromFileAndEnv.limits().maxBatchEvents()).isEqualTo(8);

        ServerConfig withFlag = ServerSettings.resolve(Map.of("port", "7003"), env);
        assertThat(withFlag.port()).isEqualTo(7003);
    }

    @Test
    void tokensWithPermissionsComeFromTheFileAndTheTokenSettingAddsAnAdmin() throws Exception {
        Path f = file("""
                auth:
                  tokens:
                    - name: checkout
                      secret: checkout-secret-0123456789
                      publish: [orders]
                      consume: ["payments.*"]
                host: 0.0.0.0
                """);
        ServerConfig c = ServerSettings.resolve(Map.of("config", f.toString(), "token", "admin-secret-0123456789"), Map.of());
        assertThat(c.tokens()).hasSize(2);
        var checkout = c.tokens().stream().filter(t -> t.name().equals("checkout")).findFirst().orElseThrow();
        assertThat(checkout.allows(Permission.PUBLISH, "orders")).isTrue();
        assertThat(checkout.allows(Permission.CONSUME, "payments.eu")).isTrue();
        assertThat(checkout.allows(Permission.CONSUME, "orders")).isFalse();
        assertThat(checkout.allows(Permission.ADMIN, "orders")).isFalse();
        var admin = c.tokens().stream().filter(t -> t.name().equals("admin")).findFirst().orElseThrow();
        assertThat(admin.allows(Permission.ADMIN, "anything")).isTrue();
        assertThat(c.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void kafkaSettingsMakeAKafkaBackend() throws Exception {
        Path f = file("kafka:\n  bootstrapServers: k1:9092,k2:9092\n  replicationFactor: 3\n  properties:\n    security.protocol: SSL\n");
        ServerConfig c = ServerSettings.resolve(Map.of("config", f.toString()), Map.of());
        KafkaConfig k = (KafkaConfig) c.backend();
        assertThat(k.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(k.replicationFactor()).isEqualTo((short) 3);
        assertThat(k.clientProperties()).containsEntry("security.protocol", "SSL");
        // a data directory given with more weight than the file's cluster wins
        assertThat(ServerSettings.resolve(Map.of("config", f.toString(), "data", "/tmp/x"), Map.of()).backend())
                .isInstanceOf(EmbeddedConfig.class);
    }

    @Test
    void aServerWithoutTokensRefusesANonLoopbackAddress() {
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("host", "0.0.0.0"), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("refusing to listen on 0.0.0.0 without authentication");
        assertThat(ServerSettings.resolve(Map.of("host", "::1"), Map.of()).host()).isEqualTo("::1");
        assertThat(ServerSettings.resolve(Map.of("host", "localhost"), Map.of()).host()).isEqualTo("localhost");
    }

    @Test
    void badValuesAreNamedWithWhereTheyCameFrom() throws Exception {
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("port", "seventy"), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("flag --port").hasMessageContaining("seventy");
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of(), Map.of("HERALD_PUBLISH_DUPLICATE_WINDOW", "soon")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("HERALD_PUBLISH_DUPLICATE_WINDOW");
        Path typo = file("prot: 7000\n");
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("config", typo.toString()), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unknown setting 'prot'");
        Path shortToken = file("auth:\n  tokens:\n    - name: a\n      secret: short\n      admin: ['*']\n");
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("config", shortToken.toString()), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("auth.tokens[0]").hasMessageContaining("at least 16");
        Path badGrant = file("auth:\n  tokens:\n    - name: a\n      secret: long-enough-secret-123\n      owner: ['*']\n");
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("config", badGrant.toString()), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unknown member 'owner'");
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("data", "/a", "kafka", "k:9092"), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("config", dir.resolve("missing.yaml").toString()), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("missing.yaml");
        assertThatThrownBy(() -> ServerSettings.resolve(Map.of("tls.certificate", "c.pem"), Map.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("tls.privateKey");
    }

    @Test
    void keysHaveTheirFlagAndEnvironmentNames() {
        assertThat(ServerSettings.flagName("limits.maxEventBytes")).isEqualTo("limits-max-event-bytes");
        assertThat(ServerSettings.environmentName("limits.maxEventBytes")).isEqualTo("HERALD_LIMITS_MAX_EVENT_BYTES");
        assertThat(ServerSettings.environmentName("data")).isEqualTo("HERALD_DATA");
        assertThat(ServerSettings.environmentName("cluster.advertisedUrl")).isEqualTo("HERALD_CLUSTER_ADVERTISED_URL");
    }
}
