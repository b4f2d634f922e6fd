package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicInfo;
import io.herald.embedded.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsCommandTest {

    @TempDir
    Path data;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(data);
    }

    @Test
    void createsATopicWithEveryOption() {
        var result = cli.run("topics", "create", "orders", "--partitions", "3", "--retention", "7d",
                "--retention-bytes", "1GiB", "--segment-bytes", "64KiB", "--fsync", "interval:200ms");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("created topic 'orders': 3 partitions, fsync interval:200ms, retention 7d, 1 GiB/partition\n");
        try (EmbeddedBroker broker = EmbeddedBroker.open(data)) {
            TopicInfo topic = broker.describeTopic("orders");
            assertThat(topic.spec().partitions()).isEqualTo(3);
            assertThat(topic.spec().fsync()).isEqualTo(FsyncPolicy.interval(Duration.ofMillis(200)));
            assertThat(topic.spec().retentionTime()).contains(Duration.ofDays(7));
            assertThat(topic.spec().retentionBytes()).contains(1L << 30);
            assertThat(topic.spec().segmentBytes()).isEqualTo(64 * 1024);
            assertThat(topic.spec().ephemeral()).isFalse();
        }
    }

    @Test
    void createsWithDefaultsAndEphemeral() {
        assertThat(cli.run("topics", "create", "plain").out())
                .isEqualTo("created topic 'plain': 1 partition, fsync always, retention forever\n");
        assertThat(cli.run("topics", "create", "fleeting", "--ephemeral").out())
                .isEqualTo("created topic 'fleeting': 1 partition, fsync ephemeral, retention forever\n");
    }

    @Test
    void listsTopicsAsATableSortedByName() {
        cli.run("topics", "create", "payments", "-p", "2", "--fsync", "never");
        cli.run("topics", "create", "orders", "-p", "4", "--retention", "12h");
        cli.runWithStdin("a\nb\nc\n", "publish", "orders", "-q", "--content-type", "text/plain");

        var result = cli.run("topics", "list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.outLines()).hasSize(3);
        assertThat(result.outLines().get(0).split("\\s+")).containsExactly("NAME", "PARTITIONS", "EVENTS", "SIZE", "FSYNC", "RETENTION");
        assertThat(result.outLines().get(1)).startsWith("orders").contains(" 4 ", " 3 ", "always", "12h");
        assertThat(result.outLines().get(2)).startsWith("payments").contains(" 2 ", " 0 ", "0 B", "never", "forever");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void listingNoTopicsSaysSoOnStderrOnly() {
        var result = cli.run("topics", "list");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("no topics in ");
    }

    @Test
    void describesSettingsSubscriptionsAndPartitions() {
        cli.run("topics", "create", "orders", "-p", "2", "--retention-bytes", "512MiB");
        cli.runWithStdin("one\ntwo\nthree\n", "publish", "orders", "--key", "k", "-q", "--content-type", "text/plain");

        var result = cli.run("topics", "describe", "orders");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).contains("topic          orders", "partitions     2", "fsync          always",
                "retention      512 MiB/partition", "segment size   64 MiB", "events         3", "subscriptions  none");
        assertThat(result.out()).contains("PARTITION  START  END  EVENTS  SIZE");
        // one key: every event in one partition
        assertThat(result.outLines()).anySatisfy(line -> assertThat(line).matches("[01]\\s+0\\s+3\\s+3\\s+\\d+ B"));
        assertThat(result.outLines()).anySatisfy(line -> assertThat(line).matches("[01]\\s+0\\s+0\\s+0\\s+0 B"));
    }

    @Test
    void deletesATopic() {
        cli.run("topics", "create", "orders");

        var result = cli.run("topics", "delete", "orders");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("deleted topic 'orders'\n");
        assertThat(cli.run("topics", "describe", "orders").err()).isEqualTo("herald: topic 'orders' does not exist\n");
    }

    @Test
    void creatingATopicTwiceFails() {
        cli.run("topics", "create", "orders");

        var result = cli.run("topics", "create", "orders");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("herald: topic 'orders' already exists\n");
    }
}
