package io.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.error.InvalidSpecException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicSpecTest {

    @Test
    void theDefaultsAreOneDurablePartitionKeptForeverFsyncedAlways() {
        TopicSpec spec = TopicSpec.defaults();

        assertThat(spec.partitions()).isEqualTo(1);
        assertThat(spec.fsync()).isSameAs(FsyncPolicy.ALWAYS);
        assertThat(spec.retentionTime()).isEmpty();
        assertThat(spec.retentionBytes()).isEmpty();
        assertThat(spec.segmentBytes()).isEqualTo(TopicSpec.DEFAULT_SEGMENT_BYTES).isEqualTo(64L * 1024 * 1024);
        assertThat(spec.ephemeral()).isFalse();
    }

    @Test
    void aSpecReadsAsASentenceAndEachStepChangesOnlyItsSetting() {
        TopicSpec spec = TopicSpec.partitions(8)
                .retention(Duration.ofDays(7))
                .retentionBytes(1L << 30)
                .segmentBytes(1L << 20)
                .fsync(FsyncPolicy.NEVER);

        assertThat(spec).isEqualTo(new TopicSpec(8, FsyncPolicy.NEVER, Optional.of(Duration.ofDays(7)),
                Optional.of(1L << 30), 1L << 20, false));
        assertThat(spec.withPartitions(3)).isEqualTo(new TopicSpec(3, FsyncPolicy.NEVER, Optional.of(Duration.ofDays(7)),
                Optional.of(1L << 30), 1L << 20, false));
        assertThat(spec.asEphemeral()).isEqualTo(new TopicSpec(8, FsyncPolicy.NEVER, Optional.of(Duration.ofDays(7)),
                Optional.of(1L << 30), 1L << 20, true));
        assertThat(spec.partitions()).isEqualTo(8);
        assertThat(spec.ephemeral()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4096})
    void partitionsFromOneTo4096AreAccepted(int partitions) {
        assertThat(TopicSpec.partitions(partitions).partitions()).isEqualTo(partitions);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 4097, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void partitionsOutOfRangeAreRefusedNamingTheSettingAndValue(int partitions) {
        assertThatThrownBy(() -> TopicSpec.partitions(partitions))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("partitions must be between 1 and 4096, got " + partitions);
    }

    @Test
    void withPartitionsIsValidatedToo() {
        assertThatThrownBy(() -> TopicSpec.defaults().withPartitions(0))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("partitions must be between");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S", "-P1D"})
    void aRetentionTimeThatIsNotPositiveIsRefused(String duration) {
        assertThatThrownBy(() -> TopicSpec.defaults().retention(Duration.parse(duration)))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("retention time must be positive, got " + Duration.parse(duration));
    }

    @Test
    void aRetentionTimeOfOneNanosecondIsAccepted() {
        assertThat(TopicSpec.defaults().retention(Duration.ofNanos(1)).retentionTime()).contains(Duration.ofNanos(1));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void aRetentionSizeThatIsNotPositiveIsRefused(long bytes) {
        assertThatThrownBy(() -> TopicSpec.defaults().retentionBytes(bytes))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("retention bytes must be positive, got " + bytes);
    }

    @ParameterizedTest
    @ValueSource(longs = {1024, 1L << 30})
    void segmentSizesAtTheLimitsAreAccepted(long bytes) {
        assertThat(TopicSpec.defaults().segmentBytes(bytes).segmentBytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(longs = {1023, (1L << 30) + 1, 0, -1})
    void segmentSizesOutsideTheLimitsAreRefused(long bytes) {
        assertThatThrownBy(() -> TopicSpec.defaults().segmentBytes(bytes))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessage("segment bytes must be between 1024 and 1073741824, got " + bytes);
    }

    @Test
    void missingValuesAreRefusedNamingTheComponent() {
        assertThatThrownBy(() -> TopicSpec.defaults().fsync(null))
                .isInstanceOf(NullPointerException.class).hasMessage("fsync");
        assertThatThrownBy(() -> new TopicSpec(1, FsyncPolicy.ALWAYS, null, Optional.empty(), 1024, false))
                .isInstanceOf(NullPointerException.class).hasMessage("retentionTime");
        assertThatThrownBy(() -> new TopicSpec(1, FsyncPolicy.ALWAYS, Optional.empty(), null, 1024, false))
                .isInstanceOf(NullPointerException.class).hasMessage("retentionBytes");
    }
}
