package io.herald.cli;

import io.herald.EmbeddedConfig;
import io.herald.KafkaConfig;
import io.herald.error.InvalidSpecException;
import io.herald.server.HeraldServer;
import io.herald.server.config.ServerConfig;
import io.herald.server.config.ServerSettings;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "server",
        description = {"Run the Herald server: the broker (on the data directory, or on Kafka with --kafka) and its HTTP API, "
                + "so services in any language publish, consume and manage topics over HTTP.",
                "Settings come from flags, then HERALD_* environment variables, then the config file (--config), then defaults.",
                "SIGTERM or Ctrl-C stops it cleanly (requests in flight finish, the log is closed); a second signal exits at once."},
        footer = {"", "Examples:",
                "  herald server",
                "  herald server --data /var/lib/herald --port 8080",
                "  HERALD_TOKEN=$(openssl rand -hex 24) herald server --host 0.0.0.0",
                "  herald server --kafka kafka-1:9092,kafka-2:9092 --config herald.yaml"})
final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML (or JSON) config file (default: $HERALD_CONFIG).")
    String config;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Listen on this address (default: 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Listen on this port (default: 7070).")
    String port;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A bearer token that may do everything (default: $HERALD_TOKEN). "
            + "Without any token the server only listens on a loopback address.")
    String token;

    @Option(names = "--tls-key-store", paramLabel = "FILE", description = "Serve HTTPS with this PKCS#12 key store.")
    String tlsKeyStore;

    @Option(names = "--tls-password", paramLabel = "PASSWORD", description = "The PKCS#12 key store's password.")
    String tlsPassword;

    @Option(names = "--tls-certificate", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate chain ...")
    String tlsCertificate;

    @Option(names = "--tls-private-key", paramLabel = "FILE", description = "... and this PEM (PKCS#8) private key.")
    String tlsPrivateKey;

    @Option(names = "--cluster-advertised-url", paramLabel = "URL", description = "Where other servers of a Kafka cluster reach this one.")
    String advertisedUrl;

    @Option(names = "--cluster-secret", paramLabel = "SECRET", description = "Shared by the servers of one Kafka cluster: signs receipts.")
    String clusterSecret;

    @Option(names = "--limits-max-event-bytes", paramLabel = "BYTES", description = "The largest event accepted (default: 1048576).")
    String maxEventBytes;

    @Option(names = "--limits-requests-per-second", paramLabel = "N", description = "Requests per second per token (default: no limit).")
    String requestsPerSecond;

    @Option(names = "--publish-duplicate-window", paramLabel = "DURATION",
            description = "How long a retried publish (same source and id) is recognised as a duplicate (default: 5m).")
    String duplicateWindow;

    @Override
    public Integer call() throws InterruptedException {
        HeraldCommand root = HeraldCommand.of(spec);
        root.refuseServerOption(spec.commandLine(), "herald server runs a server; it never works through another one");
        Map<String, String> flags = new LinkedHashMap<>();
        put(flags, "config", config);
        put(flags, "host", host);
        put(flags, "port", port);
        put(flags, "data", root.dataGiven() ? root.dataDirectory().toString() : null);
        put(flags, "kafka", root.kafka);
        put(flags, "token", token);
        put(flags, "tls.keyStore", tlsKeyStore);
        put(flags, "tls.password", tlsPassword);
        put(flags, "tls.certificate", tlsCertificate);
        put(flags, "tls.privateKey", tlsPrivateKey);
        put(flags, "cluster.advertisedUrl", advertisedUrl);
        put(flags, "cluster.secret", clusterSecret);
        put(flags, "limits.maxEventBytes", maxEventBytes);
        put(flags, "limits.requestsPerSecond", requestsPerSecond);
        put(flags, "publish.duplicateWindow", duplicateWindow);
        ServerConfig serverConfig;
        try {
            serverConfig = ServerSettings.resolve(flags, root.environment());
        } catch (InvalidSpecException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        HeraldServer server = HeraldServer.start(serverConfig);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger signals = new AtomicInteger();
        Runnable stop = () -> {
            if (signals.incrementAndGet() > 1) {
                Runtime.getRuntime().halt(130); // a second signal: the user wants out now
            }
            Thread.ofPlatform().name("herald-stop").start(() -> {
                try {
                    server.close();
                } finally {
                    stopped.countDown();
                }
            });
        };
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        out.println("Herald server " + HeraldVersion.version() + " listening on " + server.url());
        out.println("  broker: " + describe(serverConfig));
        out.println("  authentication: " + (serverConfig.authEnabled()
                ? "on (" + serverConfig.tokens().size() + " token" + (serverConfig.tokens().size() == 1 ? "" : "s") + ")"
                : "off (loopback only)"));
        out.println("  API: " + server.url().resolve("/openapi.json") + "   reference: " + server.url().resolve("/docs"));
        out.println("Stop with Ctrl-C or SIGTERM.");
        out.flush();
        stopped.await();
        out.println("Herald server stopped");
        out.flush();
        return 0;
    }

    private static String describe(ServerConfig config) {
        return switch (config.backend()) {
            case EmbeddedConfig e -> "embedded, data directory " + e.dataDirectory().toAbsolutePath();
            case KafkaConfig k -> "Kafka at " + k.bootstrapServers();
            default -> config.backend().toString();
        };
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
