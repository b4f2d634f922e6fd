package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.embedded.EmbeddedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @TempDir
    Path data;

    @Test
    void runsInATemporaryDirectoryAndEndsWithTheSummary() {
        long started = System.nanoTime();

        var result = Cli.execute("", Map.of(), "demo");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines().getLast())
                .isEqualTo("published 20, billing got 20, shipping got 20, replay got 20 in the same order");
        assertThat(result.out()).contains("created topic 'orders' with 4 partitions", "billing        <- ", "shipping       <- ",
                "billing replay <- ");
        assertThat(result.err()).isEmpty();
        assertThat(System.nanoTime() - started).isLessThan(10_000_000_000L);
        String dir = result.outLines().getFirst().substring("Herald demo: an embedded broker on ".length());
        assertThat(Path.of(dir)).doesNotExist();
    }

    @Test
    void runsInTheGivenDirectoryAndLeavesItsSubscriptionsThere() {
        var result = new Cli(data).run("demo", "--events", "7");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines().getLast()).isEqualTo("published 7, billing got 7, shipping got 7, replay got 7 in the same order");
        try (EmbeddedBroker broker = EmbeddedBroker.open(data)) {
            assertThat(broker.describeTopic("orders").eventCount()).isEqualTo(7);
            assertThat(broker.describeSubscription("orders", "billing").lag()).isZero();
            assertThat(broker.describeSubscription("orders", "shipping").lag()).isZero();
        }
    }

    @Test
    void refusesADirectoryThatAlreadyHasOrders() {
        Cli cli = new Cli(data);
        cli.run("topics", "create", "orders");

        var result = cli.run("demo");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("herald: topic 'orders' already exists in ");
        assertThat(Files.exists(data)).isTrue();
    }
}
