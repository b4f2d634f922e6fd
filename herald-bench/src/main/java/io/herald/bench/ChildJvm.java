package io.herald.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A system under test in a JVM of its own ({@link KafkaProcess}, {@link ServerProcess}), so that
 * it shares no heap, JIT or GC pauses with the load generator. Its output goes to a log file;
 * {@link #start} returns once the system says it is ready, and on failure throws with the log's
 * last lines; {@link #close()} stops it (SIGTERM, then SIGKILL after 20 s); a shutdown hook kills
 * it if this JVM dies first.
 */
final class ChildJvm implements AutoCloseable {

    /** Asked every 100 ms while the child starts: true when ready; false or an exception when not yet. */
    @FunctionalInterface
    interface Readiness {
        boolean ready() throws Exception;
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Thread killer;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.killer = new Thread(process::destroyForcibly, name + "-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Runs {@code command} with its output in {@code log}; returns once {@code readiness} says so. */
    static ChildJvm start(String name, List<String> command, Path log, Duration timeout, Readiness readiness) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ChildJvm child = new ChildJvm(name, process, log);
        try {
            child.awaitReady(timeout, readiness);
        } catch (Exception e) {
            child.close();
            throw e;
        }
        return child;
    }

    private void awaitReady(Duration timeout, Readiness readiness) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting; see " + log
                        + ":\n" + tail());
            }
            try {
                if (readiness.ready()) {
                    return;
                }
            } catch (Exception notYet) {
                // not listening or not answering yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log
                        + ":\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    /** A loopback port free now, for a child to listen on. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run: nothing to remove
        }
    }
}
