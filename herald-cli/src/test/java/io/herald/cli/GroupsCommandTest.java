package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.embedded.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupsCommandTest {

    @TempDir
    Path data;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(data);
        cli.run("topics", "create", "orders", "--partitions", "2");
        // six events in partition 0 (key "a"), four in partition 1 (key "d")
        cli.runWithStdin("1\n2\n3\n4\n5\n6\n", "publish", "orders", "--key", "a", "-q");
        cli.runWithStdin("1\n2\n3\n4\n", "publish", "orders", "--key", "d", "-q");
        consume("billing", 10);
        consume("shipping", 3);
    }

    @Test
    void listsSubscriptionsWithTheirLag() {
        var result = cli.run("groups", "list", "orders");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).hasSize(3);
        assertThat(result.outLines().get(0).split("\\s+")).containsExactly("NAME", "ORDERING", "MEMBERS", "LAG");
        assertThat(result.outLines().get(1).split("\\s+")).containsExactly("billing", "PARTITION", "0", "0");
        assertThat(result.outLines().get(2).split("\\s+")).containsExactly("shipping", "PARTITION", "0", "7");
    }

    @Test
    void subscriptionsIsAnAliasOfGroups() {
        assertThat(cli.run("subscriptions", "list", "orders").out()).isEqualTo(cli.run("groups", "list", "orders").out());
    }

    @Test
    void describesEachPartitionsCursor() {
        var result = cli.run("groups", "describe", "orders", "shipping");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).contains("subscription  shipping", "topic         orders", "ordering      PARTITION",
                "members       none", "lag           7");
        assertThat(result.out()).contains("PARTITION  COMMITTED  END  LAG  OWNER");
        List<String[]> cursors = cursorRows(result.outLines());
        assertThat(cursors).hasSize(2);
        assertThat(cursors.stream().mapToLong(c -> Long.parseLong(c[3])).sum()).isEqualTo(7);
        assertThat(cursors).allSatisfy(c -> assertThat(c[4]).isEqualTo("-"));
    }

    @Test
    void resetsToEarliestForAReplay() {
        var result = cli.run("groups", "reset", "orders", "billing", "--to", "earliest");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines().getFirst()).isEqualTo("reset subscription 'billing' on topic 'orders' to earliest");
        assertThat(result.outLines()).contains("lag           10");
        assertThat(cursorRows(result.outLines())).allSatisfy(c -> assertThat(c[1]).isEqualTo("0"));
        assertThat(consume("billing", 100)).isEqualTo(10);
    }

    @Test
    void resetsToAnOffsetAndToLatest() {
        cli.run("groups", "reset", "orders", "shipping", "--to", "2");
        assertThat(cursorRows(cli.run("groups", "describe", "orders", "shipping").outLines()))
                .allSatisfy(c -> assertThat(c[1]).isEqualTo("2"));

        cli.run("groups", "reset", "orders", "shipping", "--to", "latest");
        assertThat(cli.run("groups", "describe", "orders", "shipping").outLines()).contains("lag           0");
    }

    @Test
    void deletesASubscription() {
        var result = cli.run("groups", "delete", "orders", "shipping");

        assertThat(result.out()).isEqualTo("deleted subscription 'shipping' on topic 'orders'\n");
        assertThat(cli.run("groups", "list", "orders").outLines()).hasSize(2);
    }

    @Test
    void anUnknownSubscriptionIsAOneLineError() {
        var result = cli.run("groups", "describe", "orders", "nobody");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("herald: subscription 'nobody' does not exist on topic 'orders'\n");
        assertThat(cli.run("groups", "reset", "orders", "nobody", "--to", "earliest").exitCode()).isEqualTo(1);
    }

    @Test
    void aTopicWithoutSubscriptionsSaysSoOnStderr() {
        cli.run("topics", "create", "quiet");

        var result = cli.run("groups", "list", "quiet");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("no subscriptions on topic 'quiet'\n");
    }

    /** The PARTITION..OWNER rows after the cursor table's header. */
    private static List<String[]> cursorRows(List<String> lines) {
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("PARTITION")).findFirst().orElseThrow());
        return lines.subList(header + 1, lines.size()).stream().map(l -> l.split("\\s+")).toList();
    }

    /** Acks up to {@code max} events of the subscription (created from earliest), then leaves; returns how many. */
    private int consume(String subscription, int max) {
        try (EmbeddedBroker broker = EmbeddedBroker.open(data);
             PullSubscriber subscriber = broker.pullSubscriber("orders", subscription,
                     SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST))) {
            List<Delivery> acked = new ArrayList<>();
            List<Delivery> batch;
            while (acked.size() < max && !(batch = subscriber.poll(max - acked.size(), Duration.ofMillis(300))).isEmpty()) {
                batch.forEach(Delivery::ack);
                acked.addAll(batch);
            }
            return acked.size();
        }
    }
}
