package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path fromOption;
    @TempDir
    Path fromEnvironment;

    @Test
    void theEnvironmentVariableIsUsedWithoutTheOption() {
        var env = Map.of("HERALD_DATA", fromEnvironment.toString());

        Cli.execute("", env, "topics", "create", "in-env");

        assertThat(Cli.execute("", env, "topics", "list").out()).contains("in-env");
        assertThat(new Cli(fromEnvironment).run("topics", "list").out()).contains("in-env");
    }

    @Test
    void theOptionWinsOverTheEnvironmentBeforeOrAfterTheCommand() {
        var env = Map.of("HERALD_DATA", fromEnvironment.toString());

        Cli.execute("", env, "--data", fromOption.toString(), "topics", "create", "first");
        Cli.execute("", env, "topics", "create", "second", "-d", fromOption.toString());

        assertThat(new Cli(fromOption).run("topics", "list").out()).contains("first", "second");
        assertThat(new Cli(fromEnvironment).run("topics", "list").out()).isEmpty();
    }

    @Test
    void theDefaultIsHeraldDataInTheWorkingDirectory() {
        HeraldCommand root = new HeraldCommand(System.in, Map.of());
        assertThat(root.dataDirectory()).isEqualTo(Path.of("herald-data"));

        HeraldCommand blankEnvironment = new HeraldCommand(System.in, Map.of("HERALD_DATA", " "));
        assertThat(blankEnvironment.dataDirectory()).isEqualTo(Path.of("herald-data"));
    }

    @Test
    void aMistypedDataDirectoryIsNamedAndNotCreatedByACommandThatOnlyReads() {
        Path mistyped = fromOption.resolve("herald-dta");
        for (String[] command : new String[][] {{"topics", "list"}, {"read", "orders"}, {"publish", "orders", "{}"},
                {"groups", "list", "orders"}, {"dlq", "list", "orders", "billing"}}) {
            var result = new Cli(mistyped).run(command);
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.err()).contains("there is no data directory at " + mistyped.toAbsolutePath(), "check --data",
                    "'herald topics create' makes a new one");
        }
        assertThat(mistyped).doesNotExist();
        assertThat(new Cli(mistyped).run("topics", "create", "orders").exitCode()).isZero();
        assertThat(mistyped).isDirectory();
    }

    @Test
    void aDataDirectoryThatIsAFileIsNamedAsSuch() throws Exception {
        Path file = java.nio.file.Files.writeString(fromOption.resolve("data.json"), "{}");
        for (String[] command : new String[][] {{"topics", "list"}, {"topics", "create", "orders"}}) {
            var result = new Cli(file).run(command);
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.err()).contains(file + " is a file, not a data directory; give the directory with --data DIR");
        }
        assertThat(file).hasContent("{}");
    }
}
