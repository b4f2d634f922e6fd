package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.embedded.EmbeddedBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every failure is one line on stderr and an exit code: 2 for wrong arguments (plus a hint line), 1 for Herald's refusals. */
class ErrorsTest {

    @TempDir
    Path data;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(data);
        cli.run("topics", "create", "orders");
    }

    @ParameterizedTest(name = "herald {0}")
    @CsvSource(delimiter = '|', textBlock = """
            topics describe nope         | herald: topic 'nope' does not exist
            read nope                    | herald: topic 'nope' does not exist
            publish nope data            | herald: topic 'nope' does not exist
            groups list nope             | herald: topic 'nope' does not exist
            topics delete nope           | herald: topic 'nope' does not exist
            topics create bad/name       | herald: invalid topic name 'bad/name': character '/' at index 3 is not allowed; use only A-Z a-z 0-9 . _ -
            topics create __internal     | herald: invalid topic name '__internal': names starting with '__' are reserved for Herald's internal topics
            groups describe orders nope  | herald: subscription 'nope' does not exist on topic 'orders'
            dlq list nope billing        | herald: topic 'nope' does not exist
            dlq list orders nope         | herald: subscription 'nope' does not exist on topic 'orders'
            dlq show orders nope 0@0     | herald: subscription 'nope' does not exist on topic 'orders'
            dlq redrive orders nope      | herald: subscription 'nope' does not exist on topic 'orders'
            dlq purge orders nope --all  | herald: subscription 'nope' does not exist on topic 'orders'
            dlq list orders bad/name     | herald: invalid subscription name 'bad/name': character '/' at index 3 is not allowed; use only A-Z a-z 0-9 . _ -
            publish nope x --delay 5s    | herald: topic 'nope' does not exist
            """)
    void heraldRefusalsAreOneLineWithExitCode1(String args, String message) {
        var result = cli.run(args.split(" "));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(message);
        assertThat(result.out()).isEmpty();
    }

    @ParameterizedTest(name = "herald {0}")
    @CsvSource(delimiter = '|', textBlock = """
            topics create x --partitions abc   | herald: Invalid value for option '--partitions': 'abc' is not an int                  | herald topics create
            topics create x --partitions 0     | herald: partitions must be between 1 and 4096, got 0                                | herald topics create
            topics create x --partitions 5000  | herald: partitions must be between 1 and 4096, got 5000                             | herald topics create
            topics create x --retention soon   | herald: Invalid value for option '--retention': 'soon' is not a duration            | herald topics create
            topics create x --retention-bytes 1XB | herald: Invalid value for option '--retention-bytes': '1XB' is not a size         | herald topics create
            topics create x --segment-bytes 10 | herald: segment bytes must be between 1024 and 1073741824, got 10                    | herald topics create
            topics create x --fsync sometimes  | herald: Invalid value for option '--fsync': fsync policy must be                     | herald topics create
            topics create                      | herald: Missing required parameter: 'NAME'                                           | herald topics create
            read orders --from yesterday       | herald: Invalid value for option '--from': start position must be                   | herald read
            read orders --from -5              | herald: Invalid value for option '--from': start position must be                   | herald read
            read orders --format xml           | herald: Invalid value for option '--format': expected one of [JSON, LINE]            | herald read
            read orders --max 0                | herald: --max must be at least 1, got 0                                              | herald read
            groups reset orders g              | herald: Missing required option: '--to=POSITION'                                     | herald groups reset
            groups reset orders g --to never   | herald: Invalid value for option '--to': start position must be                      | herald groups reset
            topicz                             | herald: unknown command 'topicz' for 'herald'; did you mean topics or doctor?        | herald
            topics craete x                    | herald: unknown command 'craete' for 'herald topics'                                 | herald topics
            read orders --bogus                | herald: Unknown option: '--bogus'                                                    | herald read
            topics                             | herald: missing command; choose one of: create, list, describe, delete               | herald topics
            groups                             | herald: missing command; choose one of: list, describe, reset, delete                | herald groups
            demo --events 0                    | herald: --events must be between 1 and 10000, got 0                                  | herald demo
            dlq                                | herald: missing command; choose one of: list, show, redrive, purge                   | herald dlq
            dlq list orders b --limit 0        | herald: --limit must be at least 1, got 0                                            | herald dlq list
            dlq list orders b --format xml     | herald: Invalid value for option '--format': expected one of [LINE, JSON]            | herald dlq list
            dlq list orders b --range 0-5      | herald: Invalid value for option '--range': a range is PARTITION:FROM-TO             | herald dlq list
            dlq list orders b --range 0:5-1    | herald: Invalid value for option '--range': a dead-letter range needs a partition >= 0 and 0 <= from <= to, got partition 0, 5..1 | herald dlq list
            dlq list orders b --match nope     | herald: Invalid value for option '--match': invalid event pattern nope:              | herald dlq list
            dlq list orders b --match {"type":"x"} | herald: Invalid value for option '--match': invalid event pattern {"type":"x"}: "type" must be an object or an array | herald dlq list
            dlq redrive orders b --match {"type":["x"]} --range 0:0-1 | herald: --match and --range cannot be used together; choose one | herald dlq redrive
            dlq show orders b 0-1              | herald: Invalid value for positional parameter at index 2 (POSITION): a position is PARTITION@OFFSET as 'herald dlq list' prints it, such as 0@12; got '0-1' | herald dlq show
            dlq show orders b 99999999999@0    | herald: Invalid value for positional parameter at index 2 (POSITION): a position is PARTITION@OFFSET | herald dlq show
            dlq show orders b                  | herald: Missing required parameter: 'POSITION'                                       | herald dlq show
            dlq purge orders b                 | herald: purge deletes dead letters for good: choose them with --match or --range, or pass --all to purge every one | herald dlq purge
            dlq purge orders b --all --range 0:0-1 | herald: --all cannot be used with --match or --range; choose one               | herald dlq purge
            publish orders x --delay 5s --at 2030-01-01T00:00:00Z | herald: --delay and --at cannot be used together; choose one | herald publish
            publish orders x --delay soon      | herald: Invalid value for option '--delay': 'soon' is not a duration                 | herald publish
            publish orders x --delay -PT5S     | herald: --delay cannot be negative, got PT-5S                                        | herald publish
            publish orders x --at tomorrow     | herald: Invalid value for option '--at': 'tomorrow' is not an ISO-8601 instant such as 2026-11-22T10:15:30Z | herald publish
            """)
    void wrongArgumentsAreOneLinePlusAHintWithExitCode2(String args, String message, String command) {
        var result = cli.run(args.split(" "));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.errLines()).hasSize(2);
        assertThat(result.errLines().get(0)).startsWith(message);
        assertThat(result.errLines().get(1)).isEqualTo("Try '" + command + " --help' for more information.");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void noCommandAtAllIsAUsageError() {
        var result = Cli.execute("", java.util.Map.of());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).containsExactly("herald: missing command; choose one of: topics, publish, read, groups, dlq, demo, server, doctor",
                "Try 'herald --help' for more information.");
    }

    @Test
    void aBadArgumentDoesNotCreateTheDataDirectory(@TempDir Path parent) {
        Path dir = parent.resolve("not-yet");

        new Cli(dir).run("topics", "create", "x", "--partitions", "0");

        assertThat(dir).doesNotExist();
    }

    @Test
    void aDirectoryInUseIsAOneLineError() {
        try (EmbeddedBroker holder = EmbeddedBroker.open(data)) {
            assertThat(holder.listTopics()).hasSize(1);
            var result = cli.run("topics", "list");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.errLines()).hasSize(1);
            assertThat(result.err()).startsWith("herald: data directory ").contains("is already open");
        }
    }

    @Test
    void verbosePrintsTheStackTrace() {
        var result = cli.run("topics", "describe", "nope", "--verbose");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines().getFirst()).isEqualTo("herald: topic 'nope' does not exist");
        assertThat(result.err()).contains("io.herald.broker.TopicNotFoundException", "\tat ");
    }

    @Test
    void helpAndVersionExitZero() {
        var help = cli.run("topics", "create", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: herald topics create", "--partitions", "--retention-bytes", "--fsync");

        var version = Cli.execute("", java.util.Map.of(), "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("herald ");
    }
}
