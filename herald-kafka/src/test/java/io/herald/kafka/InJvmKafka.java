package io.herald.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka 4.4 (KRaft, broker and controller in one) inside the test JVM, as
 * RECIPES.md describes: two free loopback ports, storage formatted in code, test-sized thread
 * pools. Group session timeouts down to 100 ms are allowed so the suite can let a member die fast.
 */
public final class InJvmKafka implements AutoCloseable {

    private final Path logDir;
    private final kafka.server.KafkaConfig config;
    private KafkaRaftServer server;
    private final String bootstrap;

    private InJvmKafka(Path logDir, kafka.server.KafkaConfig config, KafkaRaftServer server, String bootstrap) {
        this.logDir = logDir;
        this.config = config;
        this.server = server;
        this.bootstrap = bootstrap;
    }

    /** Stops the broker and starts it again on the same ports and log directory. */
    public void restart() throws Exception {
        server.shutdown();
        server.awaitShutdown();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady(bootstrap);
    }

    public static InJvmKafka start() throws Exception {
        Path logDir = Files.createTempDirectory("herald-kafka-test");
        int port = freePort();
        int controllerPort = freePort();
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        for (String internal : List.of("offsets.topic", "transaction.state.log", "share.coordinator.state.topic")) {
            p.put(internal + ".replication.factor", "1");
            p.put(internal + ".min.isr", "1");
        }
        p.put("offsets.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "100");
        p.put("auto.create.topics.enable", "false");
        p.put("log.retention.check.interval.ms", "500");
        p.put("log.initial.task.delay.ms", "0"); // else the first retention check waits 30 s after start
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("num.network.threads", "1");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        kafka.server.KafkaConfig config = new kafka.server.KafkaConfig(p, false);
        new Formatter()
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .run();
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + port;
        awaitReady(bootstrap);
        return new InJvmKafka(logDir, config, server, bootstrap);
    }

    private static void awaitReady(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    admin.describeCluster().nodes().get();
                    if (!admin.describeCluster().nodes().get().isEmpty()) {
                        break;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
        server.awaitShutdown();
        try (Stream<Path> files = Files.walk(logDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
