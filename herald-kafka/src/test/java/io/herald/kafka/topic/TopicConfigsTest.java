package io.herald.kafka.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {

    @Test
    void eachFsyncPolicyMapsToAKafkaFlushSettingAndBack() {
        for (FsyncPolicy fsync : new FsyncPolicy[]{FsyncPolicy.ALWAYS, FsyncPolicy.interval(Duration.ofMillis(250)), FsyncPolicy.NEVER}) {
            TopicSpec spec = TopicSpec.partitions(3).fsync(fsync).retention(Duration.ofHours(6)).retentionBytes(10_000_000).segmentBytes(8 << 20);
            Map<String, String> configs = TopicConfigs.of(spec, 1 << 20);
            assertThat(TopicConfigs.spec(3, configs)).isEqualTo(spec);
        }
        assertThat(TopicConfigs.of(TopicSpec.partitions(1), 1 << 20)).containsEntry("flush.messages", "1");
        assertThat(TopicConfigs.of(TopicSpec.partitions(1).fsync(FsyncPolicy.interval(Duration.ofSeconds(2))), 1 << 20))
                .containsEntry("flush.ms", "2000").doesNotContainKey("flush.messages");
    }

    @Test
    void noRetentionIsKafkasMinusOneAndAppendTimeIsTheLogs() {
        Map<String, String> configs = TopicConfigs.of(TopicSpec.partitions(1), 1 << 20);
        assertThat(configs).containsEntry("retention.ms", "-1").containsEntry("retention.bytes", "-1")
                .containsEntry("message.timestamp.type", "LogAppendTime")
                .containsEntry("max.message.bytes", Integer.toString((1 << 20) + TopicConfigs.FRAMING_BYTES));
        assertThat(TopicConfigs.spec(1, configs).retentionTime()).isEmpty();
    }

    @Test
    void aTopicMadeOutsideHeraldIsDescribedByKafkasDefaults() {
        Map<String, String> kafkaDefaults = new HashMap<>(Map.of("retention.ms", "604800000", "retention.bytes", "-1",
                "segment.bytes", "1073741824", "flush.messages", "9223372036854775807", "flush.ms", "9223372036854775807"));
        TopicSpec spec = TopicConfigs.spec(6, kafkaDefaults);
        assertThat(spec.fsync()).isEqualTo(FsyncPolicy.NEVER);
        assertThat(spec.retentionTime()).contains(Duration.ofDays(7));
        assertThat(spec.partitions()).isEqualTo(6);
    }

    @Test
    void anEphemeralTopicAllowsUncleanLeaderElectionAndRoundTrips() {
        TopicSpec ephemeral = TopicSpec.partitions(3).asEphemeral();
        Map<String, String> configs = TopicConfigs.of(ephemeral, 1 << 20);
        assertThat(configs).containsEntry("unclean.leader.election.enable", "true")
                .containsEntry("retention.bytes", Long.toString(TopicSpec.DEFAULT_EPHEMERAL_BYTES))
                .doesNotContainKeys("flush.messages", "flush.ms");
        assertThat(TopicConfigs.spec(3, configs)).isEqualTo(ephemeral);
        assertThat(TopicConfigs.spec(3, TopicConfigs.of(ephemeral.retentionBytes(4096), 1 << 20)).retentionBytes()).contains(4096L);
    }
}
