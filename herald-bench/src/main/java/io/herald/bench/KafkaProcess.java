package io.herald.bench;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka 4.4 broker (KRaft, broker and controller in one process, loopback
 * only) started as a separate JVM from the Kafka jars on this JVM's class path, so that it does
 * not share a heap, a JIT or GC pauses with the load generator. Its storage is formatted in code
 * (the in-code {@code kafka-storage.sh format}); its log goes to {@code kafka.log} in its
 * directory ({@link ChildJvm}: how it starts and stops).
 */
final class KafkaProcess implements AutoCloseable {

    /** Kafka's own start script's heap and GC settings (kafka-server-start.sh, kafka-run-class.sh). */
    static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final ChildJvm jvm;
    private final Path dir;
    private final String bootstrap;

    private KafkaProcess(ChildJvm jvm, Path dir, String bootstrap) {
        this.jvm = jvm;
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    /** Formats {@code dir/logs}, starts the broker and returns once it answers {@code describeCluster}. */
    static KafkaProcess start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path logDir = dir.resolve("logs");
        int port = ChildJvm.freePort();
        int controllerPort = ChildJvm.freePort();
        Properties props = serverProperties(logDir, port, controllerPort);
        Path propsFile = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(propsFile)) {
            props.store(w, "Herald bench: single-node KRaft broker");
        }
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .run();
        String bootstrap = "127.0.0.1:" + port;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000"))) {
            ChildJvm jvm = ChildJvm.start("Kafka", JavaCommand.of(JVM_OPTIONS, "kafka.Kafka", List.of(propsFile.toString())),
                    dir.resolve("kafka.log"), START_TIMEOUT, () -> !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty());
            return new KafkaProcess(jvm, dir, bootstrap);
        }
    }

    private static Properties serverProperties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // share groups (the acked and retry workloads' NONE peer): members learn their assignment
        // at their heartbeat; the defaults (5 s heartbeats, 1 s assignment interval) make the first
        // record of a new group take ~5 s. Only share groups read these.
        p.put("group.share.min.heartbeat.interval.ms", "100");
        p.put("group.share.heartbeat.interval.ms", "500");
        p.put("group.share.assignment.interval.ms", "100");
        p.put("auto.create.topics.enable", "false");
        // every run deletes its topic; free the disk now rather than in a minute
        p.put("file.delete.delay.ms", "1000");
        return p;
    }

    String bootstrapServers() {
        return bootstrap;
    }

    Path directory() {
        return dir;
    }

    @Override
    public void close() {
        jvm.close();
    }
}
