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

/** The README's examples are real code: this test takes them from README.md, compiles and runs them. */
class ReadmeQuickStartTest {

    @TempDir
    Path work;

    @Test
    void theQuickStartCompilesAndRuns() throws Exception {
        String output = compileAndRun(block("quickstart", 15));
        assertThat(output).containsPattern("\\d@0 order\\.placed \\{\"orderId\": 1, \"total\": 99\\.98\\}");
        assertThat(work.resolve("run/herald-data/topics/orders")).isDirectory();
    }

    @Test
    void theReliableDeliveryExampleCompilesAndRuns() throws Exception {
        String output = compileAndRun(block("reliable-delivery", 22));
        assertThat(output).contains("1 card reported stolen");
    }

    private String compileAndRun(String body) throws Exception {
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
                """.formatted(body));
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
        return output;
    }

    /** The java block after {@code <!-- name ... -->} in README.md. */
    private static String block(String name, int maxLines) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("<!-- " + Pattern.quote(name) + "[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has a java block marked " + name).isTrue();
        List<String> lines = new ArrayList<>(m.group(1).lines().toList());
        assertThat(lines.size()).as("the example stays short").isLessThanOrEqualTo(maxLines);
        return String.join("\n", lines);
    }
}
