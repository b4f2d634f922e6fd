package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start is real code: this test takes it from README.md, compiles it and runs it. */
class ReadmeQuickStartTest {

    private static final Pattern QUICKSTART = Pattern.compile("<!-- quickstart[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path work;

    @Test
    void theQuickStartCompilesAndRuns() throws Exception {
        Path source = work.resolve("src/QuickStart.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                import io.herald.Herald;
                import io.herald.broker.*;
                import io.herald.event.Event;
                import java.nio.file.Path;
                import java.time.Duration;

                public class QuickStart {
                    public static void main(String[] args) throws Exception {
                %s
                    }
                }
                """.formatted(quickStart()));
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), source.toString());
        assertThat(compiled).as("javac exit code").isZero();

        Path runDir = Files.createDirectories(work.resolve("run"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + java.io.File.pathSeparator + System.getProperty("java.class.path"), "QuickStart")
                .directory(runDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("output:%n%s", output).isZero();
        assertThat(output).containsPattern("\\d@0 order\\.placed \\{\"orderId\": 1, \"total\": 99\\.98\\}");
        assertThat(runDir.resolve("herald-data/topics/orders")).isDirectory();
    }

    private static String quickStart() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = QUICKSTART.matcher(readme);
        assertThat(m.find()).as("README.md has a quickstart java block").isTrue();
        List<String> lines = new ArrayList<>(m.group(1).lines().toList());
        assertThat(lines.size()).as("the quick start stays short").isLessThanOrEqualTo(15);
        return String.join("\n", lines);
    }
}
