package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Delivery;
import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RetryPolicy;
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
        assertThat(result.outLines().get(0).split("\\s+")).containsExactly("NAME", "ORDERING", "MEMBERS", "LAG", "DEAD-LETTERED");
        assertThat(result.outLines().get(1).split("\\s+")).containsExactly("billing", "PARTITION", "0", "0", "0");
        assertThat(result.outLines().get(2).split("\\s+")).containsExactly("shipping", "PARTITION", "0", "7", "0");
    }

    @Test
    void subscriptionsIsAnAliasOfGroups() {
        assertThat(cli.run("subscriptions", "list", "orders").out()).isEqualTo(cli.run("groups", "list", "orders").out());
    }

    @Test
    void describesEachPartitionsCursor() {
        var result = cli.run("groups", "describe", "orders", "shipping");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).contains("subscription       shipping", "topic              orders",
                "ordering           PARTITION", "start              earliest", "filter             none",
                "retry              5 attempts, backoff 1s x2 up to 1m", "dead-letter topic  orders.shipping.dlq",
                "session timeout    10s", "members            none", "lag                7", "leased             0",
                "retrying           0", "dead-lettered      0", "acked/s            0.0");
        assertThat(result.out()).contains("PARTITION  COMMITTED  END  LAG  OWNER");
        List<String[]> cursors = cursorRows(result.outLines());
        assertThat(cursors).hasSize(2);
        assertThat(cursors.stream().mapToLong(c -> Long.parseLong(c[3])).sum()).isEqualTo(7);
        assertThat(cursors).allSatisfy(c -> assertThat(c[4]).isEqualTo("-"));
    }

    @Test
    void describesTheDefinitionAndStatsOfASubscription() {
        var spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST)
                .filter("{\"data\": [1]}")
                .retry(RetryPolicy.maxAttempts(3).backoff(Duration.ofSeconds(2), 1.5, Duration.ofSeconds(30))
                        .permanent(IllegalArgumentException.class))
                .deadLetterTopic("audit-dead")
                .leaseDuration(Duration.ofSeconds(45))
                .keyAfterDeadLetter(KeyAfterDeadLetter.PARK);
        try (EmbeddedBroker broker = EmbeddedBroker.open(data);
             PullSubscriber subscriber = broker.pullSubscriber("orders", "audit", spec)) {
            // "1" was published as JSON (a number); the filter lets the one of each key through
            List<Delivery> deliveries = new ArrayList<>();
            while (deliveries.size() < 2) {
                deliveries.addAll(subscriber.poll(2, Duration.ofSeconds(5)));
            }
            deliveries.forEach(d -> d.reject("no audit trail"));
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.describeSubscription("orders", "audit").stats().deadLettered() == 2);
        }

        var result = cli.run("subscriptions", "describe", "orders", "audit");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).containsSubsequence(
                "subscription       audit",
                "topic              orders",
                "ordering           KEY",
                "start              earliest",
                "filter             {\"data\": [1]}",
                "retry              3 attempts, backoff 2s x1.5 up to 30s, never retried: java.lang.IllegalArgumentException",
                "dead-letter topic  audit-dead",
                "lease              45s",
                "after dead letter  park",
                "members            none",
                "lag                0",
                "leased             0",
                "retrying           0",
                "dead-lettered      2",
                "acked/s            0.0");
        assertThat(cli.run("groups", "list", "orders").outLines()).anySatisfy(l ->
                assertThat(l.split("\\s+")).containsExactly("audit", "KEY", "0", "0", "2"));
    }

    @Test
    void describesASubscriptionWithoutRetries() {
        try (EmbeddedBroker broker = EmbeddedBroker.open(data);
             PullSubscriber ignored = broker.pullSubscriber("orders", "once",
                     SubscriptionSpec.ordering(Ordering.NONE).maxAttempts(1))) {
            assertThat(ignored.subscription()).isEqualTo("once");
        }

        assertThat(cli.run("groups", "describe", "orders", "once").outLines())
                .contains("retry              1 attempt, no retries", "lease              30s", "start              latest")
                .noneMatch(l -> l.startsWith("after dead letter") || l.startsWith("session timeout"));
    }

    @Test
    void resetsToEarliestForAReplay() {
        var result = cli.run("groups", "reset", "orders", "billing", "--to", "earliest");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines().getFirst()).isEqualTo("reset subscription 'billing' on topic 'orders' to earliest");
        assertThat(result.outLines()).contains("lag                10");
        assertThat(cursorRows(result.outLines())).allSatisfy(c -> assertThat(c[1]).isEqualTo("0"));
        assertThat(consume("billing", 100)).isEqualTo(10);
    }

    @Test
    void resetsToAnOffsetAndToLatest() {
        cli.run("groups", "reset", "orders", "shipping", "--to", "2");
        assertThat(cursorRows(cli.run("groups", "describe", "orders", "shipping").outLines()))
                .allSatisfy(c -> assertThat(c[1]).isEqualTo("2"));

        cli.run("groups", "reset", "orders", "shipping", "--to", "latest");
        assertThat(cli.run("groups", "describe", "orders", "shipping").outLines()).contains("lag                0");
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
