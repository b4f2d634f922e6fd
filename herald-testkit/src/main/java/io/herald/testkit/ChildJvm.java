package io.herald.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A child JVM running a main class from the test class path, whose stdout lines are handed to a
 * listener as they come, and which a test can kill the way a crash would: SIGKILL, no shutdown hooks.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Thread reader;
    private final List<String> stderr = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process, Consumer<String> onLine) {
        this.process = process;
        this.reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // the child died mid-line: what was read is what it reported
            }
        });
        Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    stderr.add(line);
                }
            } catch (IOException e) {
                // same as above
            }
        });
    }

    public static ChildJvm start(Class<?> main, Consumer<String> onLine, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).start(), onLine);
    }

    /** SIGKILL: the process gets no chance to flush, close or run hooks. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        reader.join();
    }

    public int waitFor() throws InterruptedException {
        int code = process.waitFor();
        reader.join();
        return code;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stderr() {
        return String.join("\n", stderr);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
