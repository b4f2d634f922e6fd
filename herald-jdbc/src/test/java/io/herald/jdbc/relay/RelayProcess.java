package io.herald.jdbc.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A {@link CrashRelay} in a child JVM, whose stdout lines go to a listener, killed with SIGKILL. */
final class RelayProcess implements AutoCloseable {

    private final Process process;
    private final Thread lines;

    private RelayProcess(Process process, Consumer<String> onLine) {
        this.process = process;
        this.lines = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(onLine);
            } catch (IOException | java.io.UncheckedIOException e) {
                // killed mid-line
            }
        });
    }

    static RelayProcess start(Consumer<String> onLine, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), CrashRelay.class.getName()));
        command.addAll(List.of(args));
        return new RelayProcess(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start(), onLine);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no closing of the connection or the broker. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        lines.join();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
