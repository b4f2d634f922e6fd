package io.herald.server.config;

import io.herald.BackendConfig;
import io.herald.EmbeddedConfig;
import io.herald.error.InvalidSpecException;
import io.herald.server.auth.AccessToken;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link HeraldServer} is started with. Immutable and validated: a bad value fails
 * here, naming the setting, before any port is bound or any directory touched.
 * {@link io.herald.server.config.ServerSettings} builds one from flags, environment and a file.
 *
 * @param host              the address to listen on; a non-loopback one needs {@code tokens}
 * @param port              the HTTP port; 0 picks a free one (tests)
 * @param backend           the broker: {@link EmbeddedConfig} (a data directory) or a Kafka cluster
 * @param tls               HTTPS instead of HTTP, from a key store
 * @param tokens            bearer tokens and what each may do; empty = no authentication
 * @param limits            sizes and rates a client may not pass
 * @param duplicateWindow   how long a publish remembers {@code source} + {@code id} to answer a
 *                          retried publish as a duplicate instead of storing it again
 * @param shutdownGrace     how long a stop waits for requests in flight before it closes the broker
 * @param cluster           how servers on one Kafka cluster reach each other to settle receipts
 */
public record ServerConfig(String host, int port, BackendConfig backend, Optional<TlsConfig> tls, List<AccessToken> tokens,
                           Limits limits, Duration duplicateWindow, Duration shutdownGrace, Cluster cluster) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7070;
    public static final Path DEFAULT_DATA = Path.of("herald-data");
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(duplicateWindow, "duplicateWindow");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(cluster, "cluster");
        tokens = List.copyOf(tokens);
        if (host.isBlank()) {
            throw new InvalidSpecException("host must not be empty; give an address such as 127.0.0.1 or 0.0.0.0");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidSpecException("port must be between 0 and 65535, got " + port);
        }
        if (duplicateWindow.isNegative()) {
            throw new InvalidSpecException("duplicate window must not be negative, got " + duplicateWindow);
        }
        if (shutdownGrace.isNegative()) {
            throw new InvalidSpecException("shutdown grace must not be negative, got " + shutdownGrace);
        }
        if (tokens.isEmpty() && !isLoopback(host)) {
            throw new InvalidSpecException("refusing to listen on " + host + " without authentication: anyone who can reach it "
                    + "could publish, consume and delete topics. Configure at least one token (auth.tokens in the config file, "
                    + "or --token), or listen on a loopback address such as 127.0.0.1");
        }
        long names = tokens.stream().map(AccessToken::name).distinct().count();
        if (names != tokens.size()) {
            throw new InvalidSpecException("token names must be unique; two tokens share a name");
        }
    }

    /** The defaults on a data directory: loopback, port 7070, no authentication. */
    public static ServerConfig embedded(Path dataDirectory) {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, EmbeddedConfig.of(dataDirectory), Optional.empty(), List.of(),
                Limits.DEFAULTS, DEFAULT_DUPLICATE_WINDOW, DEFAULT_SHUTDOWN_GRACE, Cluster.NONE);
    }

    public ServerConfig withHost(String value) {
        return new ServerConfig(value, port, backend, tls, tokens, limits, duplicateWindow, shutdownGrace, cluster);
    }

    public ServerConfig withPort(int value) {
        return new ServerConfig(host, value, backend, tls, tokens, limits, duplicateWindow, shutdownGrace, cluster);
    }

    public ServerConfig withBackend(BackendConfig value) {
        return new ServerConfig(host, port, value, tls, tokens, limits, duplicateWindow, shutdownGrace, cluster);
    }

    public ServerConfig withTls(TlsConfig value) {
        return new ServerConfig(host, port, backend, Optional.of(value), tokens, limits, duplicateWindow, shutdownGrace, cluster);
    }

    public ServerConfig withTokens(List<AccessToken> value) {
        return new ServerConfig(host, port, backend, tls, value, limits, duplicateWindow, shutdownGrace, cluster);
    }

    public ServerConfig withLimits(Limits value) {
        return new ServerConfig(host, port, backend, tls, tokens, value, duplicateWindow, shutdownGrace, cluster);
    }

    public ServerConfig withDuplicateWindow(Duration value) {
        return new ServerConfig(host, port, backend, tls, tokens, limits, value, shutdownGrace, cluster);
    }

    public ServerConfig withShutdownGrace(Duration value) {
        return new ServerConfig(host, port, backend, tls, tokens, limits, duplicateWindow, value, cluster);
    }

    public ServerConfig withCluster(Cluster value) {
        return new ServerConfig(host, port, backend, tls, tokens, limits, duplicateWindow, shutdownGrace, value);
    }

    public boolean authEnabled() {
        return !tokens.isEmpty();
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // literal addresses only: a name is not looked up (it could resolve differently later)
            if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                return false;
            }
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * What one request may carry and how often a client may ask.
     *
     * @param maxEventBytes      the largest event, encoded (413 beyond it)
     * @param maxBatchEvents     the most events one publish request may carry (413 beyond it)
     * @param maxRequestBytes    the largest request body (413 beyond it)
     * @param requestsPerSecond  per token (or per client address without authentication); empty = no limit
     * @param maxReceive         the most deliveries one receive may ask for
     * @param maxWait            the longest a receive or read may wait for events (long poll)
     */
    public record Limits(int maxEventBytes, int maxBatchEvents, long maxRequestBytes, Optional<Double> requestsPerSecond,
                         int maxReceive, Duration maxWait) {

        public static final Limits DEFAULTS = new Limits(1024 * 1024, 10_000, 32L * 1024 * 1024, Optional.empty(), 1000,
                Duration.ofSeconds(20));

        public Limits {
            Objects.requireNonNull(requestsPerSecond, "requestsPerSecond");
            Objects.requireNonNull(maxWait, "maxWait");
            if (maxEventBytes < 1024) {
                throw new InvalidSpecException("max event bytes must be at least 1024, got " + maxEventBytes);
            }
            if (maxBatchEvents < 1) {
                throw new InvalidSpecException("max batch events must be at least 1, got " + maxBatchEvents);
            }
            if (maxRequestBytes < maxEventBytes) {
                throw new InvalidSpecException("max request bytes (" + maxRequestBytes + ") must be at least max event bytes ("
                        + maxEventBytes + ")");
            }
            requestsPerSecond.ifPresent(r -> {
                if (!(r > 0) || r.isInfinite()) {
                    throw new InvalidSpecException("requests per second must be a positive number, got " + r);
                }
            });
            if (maxReceive < 1) {
                throw new InvalidSpecException("max receive must be at least 1, got " + maxReceive);
            }
            if (maxWait.isNegative()) {
                throw new InvalidSpecException("max wait must not be negative, got " + maxWait);
            }
        }

        public Limits withMaxEventBytes(int value) {
            return new Limits(value, maxBatchEvents, Math.max(maxRequestBytes, value), requestsPerSecond, maxReceive, maxWait);
        }

        public Limits withMaxBatchEvents(int value) {
            return new Limits(maxEventBytes, value, maxRequestBytes, requestsPerSecond, maxReceive, maxWait);
        }

        public Limits withMaxRequestBytes(long value) {
            return new Limits(maxEventBytes, maxBatchEvents, value, requestsPerSecond, maxReceive, maxWait);
        }

        public Limits withRequestsPerSecond(double value) {
            return new Limits(maxEventBytes, maxBatchEvents, maxRequestBytes, Optional.of(value), maxReceive, maxWait);
        }
    }

    /**
     * HTTPS from a key store: a PKCS#12 file, or a PEM certificate chain with its private key.
     *
     * @param keyStore    a {@code .p12}/{@code .pfx} file, or a PEM file holding the certificate chain
     * @param privateKey  for PEM: the PKCS#8 private key file (may be the same file as the chain)
     * @param password    for PKCS#12: the store's password
     */
    public record TlsConfig(Path keyStore, Optional<Path> privateKey, Optional<String> password) {
        public TlsConfig {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(password, "password");
        }

        public static TlsConfig pkcs12(Path file, String password) {
            return new TlsConfig(file, Optional.empty(), Optional.of(password));
        }

        public static TlsConfig pem(Path certificateChain, Path privateKey) {
            return new TlsConfig(certificateChain, Optional.of(privateKey), Optional.empty());
        }
    }

    /**
     * How servers that share one Kafka cluster settle each other's receipts: a receipt names the
     * server that holds its lease, and an ack, nack, reject or extend that reaches another server
     * is forwarded there.
     *
     * @param advertisedUrl what other servers call this one at; empty = the URL it listens on
     * @param secret        signs receipts, so a forwarded receipt is one a server of this cluster
     *                      issued (and a client cannot make a server call an address of its
     *                      choosing); servers of one cluster share it. Empty = a random one: receipts
     *                      are settled only by the server that issued them
     */
    public record Cluster(Optional<URI> advertisedUrl, Optional<String> secret) {
        public static final Cluster NONE = new Cluster(Optional.empty(), Optional.empty());

        public Cluster {
            Objects.requireNonNull(advertisedUrl, "advertisedUrl");
            Objects.requireNonNull(secret, "secret");
            advertisedUrl.ifPresent(u -> {
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new InvalidSpecException("advertised URL must be an http(s) URL such as http://10.0.0.5:7070, got " + u);
                }
            });
            secret.ifPresent(s -> {
                if (s.length() < 16) {
                    throw new InvalidSpecException("cluster secret must be at least 16 characters, got " + s.length());
                }
            });
        }
    }
}
