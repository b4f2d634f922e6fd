package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.herald.embedded.EmbeddedBroker;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged runnable jar, run as users run it: {@code java -jar target/herald-cli.jar ...} in a child process. */
class HeraldJarIT {

    private static final Path JAR = Path.of("target", "herald-cli.jar");

    @TempDir
    Path data;

    @BeforeEach
    void jarIsBuilt() {
        assumeTrue(Files.isRegularFile(JAR), "run 'mvnw -pl herald-cli verify' to build " + JAR);
    }

    @Test
    void createsPublishesAndReadsThroughTheJar() throws Exception {
        assertThat(herald("topics", "create", "orders", "--partitions", "2", "--data", data.toString()).exitValue()).isZero();

        Process publish = start("publish", "orders", "--data", data.toString(), "--quiet");
        publish.getOutputStream().write("\"one\"\n{\"two\":2}\n".getBytes(StandardCharsets.UTF_8));
        publish.getOutputStream().close();
        assertThat(publish.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output(publish)).isEqualTo("published 2 events to 'orders'\n");

        Process read = herald("read", "orders", "--format", "line", "--data", data.toString());
        assertThat(read.exitValue()).isZero();
        assertThat(output(read).lines()).hasSize(2);
        // logging stays quiet: nothing but the command's own output
        assertThat(errors(read)).isEmpty();
    }

    @Test
    void theEmbeddedBackendIsFoundInTheShadedJar() throws Exception {
        Process list = herald("topics", "list", "--data", data.toString());

        assertThat(list.exitValue()).isZero();
        assertThat(errors(list)).startsWith("no topics in ");
    }

    @Test
    void aDirectoryHeldByAnotherProcessIsAOneLineError() throws Exception {
        herald("topics", "create", "orders", "--data", data.toString());
        Process follower = start("read", "orders", "--follow", "--data", data.toString());
        try {
            awaitLocked(follower);
            Process second = herald("topics", "list", "--data", data.toString());

            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(errors(second)).isEqualTo("herald: data directory " + data.toAbsolutePath()
                    + " is in use by another Herald process\n");
        } finally {
            follower.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void ctrlCEndsAFollowingReadAndReleasesTheDirectory() throws Exception {
        herald("topics", "create", "orders", "--data", data.toString());
        // destroy() closes the child's pipes, so its stderr goes to a file
        Path stderr = Files.createTempFile("herald-follow", ".err");
        Process follower = command("read", "orders", "--follow", "--data", data.toString())
                .redirectError(stderr.toFile()).start();
        awaitLocked(follower);

        follower.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks

        assertThat(follower.waitFor(BrokerSession.STOP_GRACE_SECONDS + 10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(stderr)).isEmpty();
        Files.delete(stderr);
        try (EmbeddedBroker reopened = EmbeddedBroker.open(data)) {
            assertThat(reopened.describeTopic("orders").eventCount()).isZero();
        }
    }

    @Test
    void aDirectoryAServerHoldsIsWorkedOnThroughTheServer() throws Exception {
        herald("topics", "create", "orders", "--data", data.toString());
        Process server = start("server", "--data", data.toString(), "--port", "0");
        try {
            awaitServerFile(server);
            Process publish = herald("publish", "orders", "hello", "--key", "k", "--content-type", "text/plain", "--data", data.toString());
            assertThat(publish.exitValue()).as("publish: %s", errors(publish)).isZero();
            assertThat(output(publish)).isEqualTo("0@0\n");

            // a server in a container: the pid its server.json names means nothing on the host,
            // but the directory's lock says another process holds it, and the file says where it listens
            Path file = data.resolve("server.json");
            Files.writeString(file, Files.readString(file).replaceAll("\"pid\"\\s*:\\s*\\d+", "\"pid\":" + Integer.MAX_VALUE));
            Process read = herald("read", "orders", "--format", "line", "--data", data.toString());
            assertThat(read.exitValue()).as("read: %s", errors(read)).isZero();
            assertThat(output(read).lines()).hasSize(1).allSatisfy(line -> assertThat(line).startsWith("0@0 ").endsWith(" hello"));
        } finally {
            server.destroy(); // SIGTERM: it stops cleanly and removes server.json
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(data.resolve("server.json")).doesNotExist();
        try (EmbeddedBroker reopened = EmbeddedBroker.open(data)) {
            assertThat(reopened.describeTopic("orders").eventCount()).isEqualTo(1);
        }
    }

    /** Waits until the child server listens and has written its server.json. */
    private void awaitServerFile(Process child) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("the server runs: %s", child.isAlive() ? "" : errors(child)).isTrue();
            if (Files.exists(data.resolve("server.json"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the server never wrote " + data.resolve("server.json"));
    }

    /**
     * Waits until the child holds the data directory's lock. The probe holds the lock for
     * microseconds only: opening a broker here would hold it long enough to make the child fail.
     */
    private void awaitLocked(Process child) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("the child runs: %s", child.isAlive() ? "" : errors(child)).isTrue();
            Path lockFile = data.resolve("LOCK");
            if (Files.exists(lockFile)) {
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock lock = channel.tryLock();
                    if (lock == null) {
                        return;
                    }
                    lock.release();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the child never opened " + data);
    }

    private static Process herald(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("herald finished").isTrue();
        return process;
    }

    private static Process start(String... args) throws IOException {
        return command(args).start();
    }

    private static ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String output(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String errors(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
