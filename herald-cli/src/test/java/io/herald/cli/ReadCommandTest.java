package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadCommandTest {

    @TempDir
    Path data;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(data);
        cli.run("topics", "create", "orders", "--partitions", "2");
    }

    @Test
    void readsFromEarliestAsCloudEventsJsonByDefault() {
        cli.runWithStdin("{\"n\":1}\n{\"n\":2}\n", "publish", "orders", "--key", "k", "--type", "order.placed");
        cli.run("publish", "orders", "three", "--key", "k", "--type", "order.placed", "--content-type", "text/plain");

        var result = cli.run("read", "orders");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<Event> events = result.outLines().stream().map(CloudEventsJson::parse).toList();
        assertThat(events).extracting(Event::dataAsString).containsExactly("{\"n\":1}", "{\"n\":2}", "three");
        assertThat(events).extracting(Event::type).containsOnly("order.placed");
        assertThat(events).allSatisfy(e -> assertThat(e.partitionKey()).contains("k"));
        assertThat(result.err()).isEmpty();
    }

    @Test
    void theJsonOfAReadCanBePublishedAgain() {
        cli.runWithStdin("a\nb\n", "publish", "orders", "--key", "k", "--content-type", "text/plain");
        cli.run("topics", "create", "copy");

        String json = cli.run("read", "orders").out();
        cli.runWithStdin(json, "publish", "copy", "-q");

        assertThat(cli.run("read", "copy").out()).isEqualTo(json);
    }

    @Test
    void eachEventStaysOnOneLineEvenWithMultiLineData() {
        cli.run("publish", "orders", "{\n  \"n\": 1\n}");
        cli.run("publish", "orders", "line one\nline two\ttabbed", "--content-type", "text/plain");

        var json = cli.run("read", "orders");
        var line = cli.run("read", "orders", "--format", "line");

        assertThat(json.outLines()).hasSize(2);
        assertThat(json.outLines()).extracting(l -> CloudEventsJson.parse(l).type()).containsOnly("herald.cli");
        assertThat(line.outLines()).hasSize(2);
        assertThat(line.out()).contains("line one\\nline two\\ttabbed");
    }

    @Test
    void lineFormatShowsPositionAppendTimeTypeIdAndData() {
        cli.run("publish", "orders", "hello", "--key", "k", "--type", "greeting", "--content-type", "text/plain");

        var result = cli.run("read", "orders", "--format", "line");

        assertThat(result.outLines()).hasSize(1);
        String[] fields = result.outLines().getFirst().split(" ", 5);
        assertThat(fields[0]).matches("[01]@0");
        assertThat(Instant.parse(fields[1])).isBefore(Instant.now().plusSeconds(1));
        assertThat(fields[2]).isEqualTo("greeting");
        assertThat(fields[3]).hasSize(36);
        assertThat(fields[4]).isEqualTo("hello");
    }

    @Test
    void readsFromAnOffsetInEveryPartition() {
        cli.runWithStdin("a0\na1\na2\n", "publish", "orders", "--key", "a", "--content-type", "text/plain");
        cli.runWithStdin("d0\nd1\n", "publish", "orders", "--key", "d", "--content-type", "text/plain"); // keys a and d: partitions 0 and 1

        var result = cli.run("read", "orders", "--from", "1", "--format", "line");

        assertThat(result.outLines()).extracting(l -> l.substring(l.lastIndexOf(' ') + 1))
                .containsExactlyInAnyOrder("a1", "a2", "d1");
    }

    @Test
    void readsFromATime() throws InterruptedException {
        cli.runWithStdin("before-1\nbefore-2\n", "publish", "orders", "--content-type", "text/plain");
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        cli.runWithStdin("after-1\nafter-2\n", "publish", "orders", "--content-type", "text/plain");

        var result = cli.run("read", "orders", "--from", between.toString(), "--format", "line");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.outLines()).extracting(l -> l.substring(l.lastIndexOf(' ') + 1))
                .containsExactlyInAnyOrder("after-1", "after-2");
    }

    @Test
    void fromLatestPrintsNothingAndEnds() {
        cli.runWithStdin("a\nb\n", "publish", "orders", "--content-type", "text/plain");

        var result = cli.run("read", "orders", "--from", "latest");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
    }

    @Test
    void maxStopsAfterThatManyEventsAlsoWhenFollowing() {
        cli.runWithStdin("1\n2\n3\n4\n5\n", "publish", "orders", "--key", "k");

        assertThat(cli.run("read", "orders", "--max", "2", "--format", "line").outLines()).hasSize(2);
        var following = cli.run("read", "orders", "--follow", "--max", "5");
        assertThat(following.exitCode()).isZero();
        assertThat(following.outLines()).hasSize(5);
    }

    @Test
    void anEmptyTopicReadsAsNothing() {
        var result = cli.run("read", "orders");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEmpty();
    }
}
