package io.herald.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.InvalidNameException;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Topics: create, list, describe, delete, and every way to get them wrong. */
public abstract class TopicAdminContract extends BrokerContract {

    @Test
    void createdTopicIsListedAndDescribedWithItsSpec() {
        String name = uniqueName("orders");
        TopicSpec spec = TopicSpec.partitions(3).retention(Duration.ofDays(7)).fsync(FsyncPolicy.NEVER);
        TopicInfo created = broker.createTopic(name, spec);
        assertThat(created.name()).isEqualTo(name);
        assertThat(created.partitions()).hasSize(3).allSatisfy(p -> {
            assertThat(p.startOffset()).isZero();
            assertThat(p.endOffset()).isZero();
        });
        assertThat(broker.listTopics()).extracting(TopicInfo::name).contains(name);
        TopicInfo described = broker.describeTopic(name);
        assertThat(described.spec().partitions()).isEqualTo(3);
        assertThat(described.spec().retentionTime()).contains(Duration.ofDays(7));
    }

    @Test
    void describeShowsWhatEachPartitionHolds() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 10);
        TopicInfo info = broker.describeTopic(topic);
        assertThat(info.eventCount()).isEqualTo(10);
        assertThat(info.partitions()).extracting(TopicInfo.PartitionInfo::endOffset).containsExactly(5L, 5L);
    }

    @Test
    void topicsAndTheirEventsSurviveARestart() throws Exception {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 6);
        restart();
        assertThat(broker.describeTopic(topic).eventCount()).isEqualTo(6);
    }

    @Test
    void aNameCanBeTakenOnlyOnce() {
        String topic = createTopic(1);
        assertThatThrownBy(() -> broker.createTopic(topic, TopicSpec.partitions(4)))
                .isInstanceOf(TopicExistsException.class)
                .hasMessageContaining(topic);
        assertThat(broker.describeTopic(topic).partitions()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "../escape", "with space", "tab\tname", "__internal", "ünicode", "a\\b"})
    void invalidNamesAreRefusedAndNothingIsCreated(String name) {
        int before = broker.listTopics().size();
        assertThatThrownBy(() -> broker.createTopic(name, TopicSpec.partitions(1)))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("invalid topic name");
        assertThat(broker.listTopics()).hasSize(before);
    }

    @Test
    void aNameLongerThanTheLimitIsRefused() {
        assertThatThrownBy(() -> broker.createTopic("x".repeat(250), TopicSpec.partitions(1)))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("249");
    }

    @Test
    void invalidSpecsNameTheSetting() {
        assertThatThrownBy(() -> TopicSpec.partitions(0)).isInstanceOf(InvalidSpecException.class).hasMessageContaining("partitions");
        assertThatThrownBy(() -> TopicSpec.partitions(1).retention(Duration.ZERO))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("retention time");
        assertThatThrownBy(() -> TopicSpec.partitions(1).retentionBytes(-5))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("retention bytes");
        assertThatThrownBy(() -> FsyncPolicy.parse("sometimes"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("sometimes");
    }

    @Test
    void deletedTopicIsGoneAndItsNameFreeAgain() {
        String topic = createTopic(2);
        publishNumbered(topic, 0, 4);
        broker.deleteTopic(topic);
        assertThat(broker.listTopics()).extracting(TopicInfo::name).doesNotContain(topic);
        assertThatThrownBy(() -> broker.describeTopic(topic)).isInstanceOf(TopicNotFoundException.class);
        broker.createTopic(topic, TopicSpec.partitions(1));
        assertThat(broker.describeTopic(topic).eventCount()).isZero();
    }

    @Test
    void deletingAnUnknownTopicSaysWhichOne() {
        assertThatThrownBy(() -> broker.deleteTopic("no-such-topic"))
                .isInstanceOf(TopicNotFoundException.class)
                .hasMessageContaining("no-such-topic");
    }
}
