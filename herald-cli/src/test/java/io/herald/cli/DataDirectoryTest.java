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
}
