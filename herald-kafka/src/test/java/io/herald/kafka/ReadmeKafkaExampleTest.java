package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Kafka example is real code: taken from README.md, pointed at an in-JVM Kafka
 * broker instead of localhost:9092, compiled and run.
 */
class ReadmeKafkaExampleTest {

    private static InJvmKafka kafka;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    @Test
    void theKafkaExampleCompilesAndRuns() throws Exception {
        String body = block("kafka").replace("localhost:9092", kafka.bootstrapServers());
        Path source = work.resolve("src/KafkaExample.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                import io.herald.Herald;
                import io.herald.broker.*;
                import io.herald.event.Event;
                import io.herald.KafkaConfig;
                import java.util.concurrent.CountDownLatch;

                public class KafkaExample {
                    public static void main(String[] args) throws Exception {
                %s
                    }
                }
                """.formatted(body));
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), source.toString());
        assertThat(compiled).as("javac exit code").isZero();

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass("KafkaExample").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("lag 0");
    }

    private static String block(String name) throws Exception {
        Path readme = Path.of("..", "README.md");
        Matcher m = Pattern.compile("<!-- " + name + ":[^>]*-->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(readme));
        assertThat(m.find()).as("README.md has a '" + name + "' block").isTrue();
        return m.group(1);
    }
}
