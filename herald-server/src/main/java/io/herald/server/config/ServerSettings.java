package io.herald.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.herald.BackendConfig;
import io.herald.EmbeddedConfig;
import io.herald.KafkaConfig;
import io.herald.broker.Durations;
import io.herald.error.InvalidSpecException;
import io.herald.server.auth.AccessToken;
import io.herald.server.auth.Permission;
import io.herald.server.auth.TopicPattern;
import io.herald.server.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's configuration from its three sources. A setting given in more than one wins in
 * this order: <b>command-line flag</b>, then <b>environment variable</b>, then <b>config file</b>
 * (YAML or JSON, named by {@code --config} or {@code HERALD_CONFIG}), then the default.
 *
 * <p>Every setting has one key. In the file it is a path ({@code limits.maxEventBytes} is
 * {@code limits: {maxEventBytes: ...}}); as a flag, the key in kebab case
 * ({@code --limits-max-event-bytes}, the common ones shorter: {@code --host}, {@code --port},
 * {@code --data}, {@code --kafka}, {@code --token}); as an environment variable, {@code HERALD_}
 * and the key in upper snake case ({@code HERALD_LIMITS_MAX_EVENT_BYTES}). Tokens with
 * per-topic permissions live in the file ({@code auth.tokens}); {@code token} (flag
 * {@code --token}, {@code HERALD_TOKEN}) adds one token named {@code admin} that may do
 * everything. An unknown key or a bad value fails, naming it and where it came from.
 */
public final class ServerSettings {

    /** Every scalar setting, by key. */
    public static final Set<String> KEYS = Set.of(
            "host", "port", "data", "kafka", "kafka.replicationFactor", "token",
            "tls.keyStore", "tls.password", "tls.certificate", "tls.privateKey",
            "limits.maxEventBytes", "limits.maxBatchEvents", "limits.maxRequestBytes", "limits.requestsPerSecond",
            "limits.maxReceive", "limits.maxWait",
            "publish.duplicateWindow", "shutdownGrace", "cluster.advertisedUrl", "cluster.secret");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Where a value came from, highest precedence first. */
    enum Source { FLAG, ENVIRONMENT, FILE, DEFAULT }

    private record Value(String text, Source source) {
        String where(String key) {
            return switch (source) {
                case FLAG -> "flag --" + flagName(key);
                case ENVIRONMENT -> "environment variable " + environmentName(key);
                case FILE -> "config file key " + key;
                case DEFAULT -> "default of " + key;
            };
        }
    }

    private final Map<String, Value> values = new LinkedHashMap<>();
    private final List<AccessToken> fileTokens = new ArrayList<>();
    private final Map<String, String> kafkaProperties = new LinkedHashMap<>();

    private ServerSettings() {
    }

    /**
     * Resolves the configuration: {@code flags} by key (as {@link #KEYS} names them, plus
     * {@code config}), the process environment, and the file {@code flags.config} or
     * {@code HERALD_CONFIG} names.
     */
    public static ServerConfig resolve(Map<String, String> flags, Map<String, String> environment) {
        ServerSettings s = new ServerSettings();
        Optional<String> file = Optional.ofNullable(flags.get("config"))
                .or(() -> Optional.ofNullable(environment.get("HERALD_CONFIG")).filter(v -> !v.isBlank()));
        file.ifPresent(f -> s.readFile(Path.of(f)));
        for (String key : KEYS) {
            String fromEnvironment = environment.get(environmentName(key));
            if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                s.values.put(key, new Value(fromEnvironment, Source.ENVIRONMENT));
            }
        }
        flags.forEach((key, value) -> {
            if (key.equals("config")) {
                return;
            }
            if (!KEYS.contains(key)) {
                throw new InvalidSpecException("unknown setting '" + key + "'");
            }
            if (value != null) {
                s.values.put(key, new Value(value, Source.FLAG));
            }
        });
        s.checkOneBackend(flags, environment);
        return s.build();
    }

    public static String flagName(String key) {
        return key.replace('.', '-').replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    public static String environmentName(String key) {
        return "HERALD_" + key.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    // data and kafka each name the backend: given at the same level, which one was meant?
    private void checkOneBackend(Map<String, String> flags, Map<String, String> environment) {
        Value data = values.get("data");
        Value kafka = values.get("kafka");
        if (data != null && kafka != null && data.source() == kafka.source()) {
            throw new InvalidSpecException("both " + data.where("data") + " and " + kafka.where("kafka")
                    + " are set: give a data directory or a Kafka cluster, not both");
        }
    }

    private void readFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidSpecException("cannot read the config file " + file + ": " + firstLine(e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new InvalidSpecException("the config file " + file + " must hold a mapping of settings, got " + root.getNodeType());
        }
        flatten(file, "", root);
    }

    private void flatten(Path file, String prefix, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("auth.tokens")) {
                readTokens(file, value);
            } else if (key.equals("kafka.properties")) {
                readKafkaProperties(file, value);
            } else if (key.equals("kafka") && value.isObject()) {
                flattenKafka(file, value);
            } else if (value.isObject()) {
                flatten(file, key + ".", value);
            } else if (KEYS.contains(key)) {
                if (!value.isValueNode()) {
                    throw new InvalidSpecException("config file " + file + ": '" + key + "' must be a single value");
                }
                if (!value.isNull()) {
                    values.put(key, new Value(value.asText(), Source.FILE));
                }
            } else {
                throw new InvalidSpecException("config file " + file + ": unknown setting '" + key + "'; known: "
                        + String.join(", ", new TreeSet<>(KEYS)) + ", auth.tokens, kafka.bootstrapServers, kafka.properties");
            }
        }
    }

    private void flattenKafka(Path file, JsonNode kafka) {
        Iterator<Map.Entry<String, JsonNode>> fields = kafka.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "bootstrapServers" -> values.put("kafka", new Value(field.getValue().asText(), Source.FILE));
                case "replicationFactor" -> values.put("kafka.replicationFactor", new Value(field.getValue().asText(), Source.FILE));
                case "properties" -> readKafkaProperties(file, field.getValue());
                default -> throw new InvalidSpecException("config file " + file + ": unknown setting 'kafka." + field.getKey()
                        + "'; known: kafka.bootstrapServers, kafka.replicationFactor, kafka.properties");
            }
        }
    }

    private void readKafkaProperties(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidSpecException("config file " + file + ": 'kafka.properties' must be a mapping of Kafka client settings");
        }
        node.fields().forEachRemaining(e -> kafkaProperties.put(e.getKey(), e.getValue().asText()));
    }

    private void readTokens(Path file, JsonNode node) {
        if (!node.isArray()) {
            throw new InvalidSpecException("config file " + file + ": 'auth.tokens' must be a list of tokens");
        }
        int index = 0;
        for (JsonNode t : node) {
            String where = "config file " + file + ", auth.tokens[" + index++ + "]";
            if (!t.isObject()) {
                throw new InvalidSpecException(where + " must be a mapping with name, secret and permissions");
            }
            String name = t.path("name").asText("");
            String secret = t.path("secret").asText("");
            if (name.isBlank() || secret.isBlank()) {
                throw new InvalidSpecException(where + " needs a name and a secret (the token, or sha256:<hex> of it)");
            }
            Map<Permission, List<TopicPattern>> grants = new EnumMap<>(Permission.class);
            Iterator<Map.Entry<String, JsonNode>> fields = t.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("name") || field.getKey().equals("secret")) {
                    continue;
                }
                Permission permission;
                try {
                    permission = Permission.valueOf(field.getKey().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new InvalidSpecException(where + ": unknown member '" + field.getKey()
                            + "'; a token has name, secret, publish, consume and admin");
                }
                List<TopicPattern> patterns = new ArrayList<>();
                JsonNode list = field.getValue();
                if (list.isTextual()) {
                    patterns.add(pattern(where, list.asText()));
                } else if (list.isArray()) {
                    list.forEach(p -> patterns.add(pattern(where, p.asText())));
                } else {
                    throw new InvalidSpecException(where + ": '" + field.getKey() + "' must be a list of topic names or prefixes");
                }
                grants.put(permission, patterns);
            }
            try {
                fileTokens.add(AccessToken.of(name, secret, grants));
            } catch (InvalidSpecException e) {
                throw new InvalidSpecException(where + ": " + e.getMessage());
            }
        }
    }

    private static TopicPattern pattern(String where, String text) {
        try {
            return new TopicPattern(text);
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException(where + ": " + e.getMessage());
        }
    }

    private ServerConfig build() {
        ServerConfig.Limits defaults = ServerConfig.Limits.DEFAULTS;
        int maxEventBytes = integer("limits.maxEventBytes", defaults.maxEventBytes(), 1024, 64 * 1024 * 1024);
        ServerConfig.Limits limits = checked("limits.requestsPerSecond", () -> new ServerConfig.Limits(maxEventBytes,
                integer("limits.maxBatchEvents", defaults.maxBatchEvents(), 1, 1_000_000),
                longValue("limits.maxRequestBytes", Math.max(defaults.maxRequestBytes(), maxEventBytes), maxEventBytes, 1L << 31),
                optionalDouble("limits.requestsPerSecond"),
                integer("limits.maxReceive", defaults.maxReceive(), 1, 100_000),
                duration("limits.maxWait", defaults.maxWait())));
        BackendConfig backend = backend(maxEventBytes);
        List<AccessToken> tokens = new ArrayList<>(fileTokens);
        string("token").ifPresent(secret -> tokens.add(checked("token", () -> AccessToken.admin("admin", secret))));
        Optional<ServerConfig.TlsConfig> tls = tls();
        ServerConfig.Cluster cluster = checked("cluster.advertisedUrl", () -> new ServerConfig.Cluster(
                string("cluster.advertisedUrl").map(u -> checked("cluster.advertisedUrl", () -> URI.create(u))),
                string("cluster.secret")));
        return checkedAll(() -> new ServerConfig(
                string("host").orElse(ServerConfig.DEFAULT_HOST),
                integer("port", ServerConfig.DEFAULT_PORT, 0, 65535),
                backend, tls, tokens, limits,
                duration("publish.duplicateWindow", ServerConfig.DEFAULT_DUPLICATE_WINDOW),
                duration("shutdownGrace", ServerConfig.DEFAULT_SHUTDOWN_GRACE),
                cluster));
    }

    private BackendConfig backend(int maxEventBytes) {
        Value data = values.get("data");
        Value kafka = values.get("kafka");
        boolean useKafka = kafka != null && (data == null || kafka.source().compareTo(data.source()) < 0);
        if (useKafka) {
            KafkaConfig config = checked("kafka", () -> KafkaConfig.of(kafka.text()).maxEventBytes(maxEventBytes));
            for (Map.Entry<String, String> p : kafkaProperties.entrySet()) {
                config = config.clientProperty(p.getKey(), p.getValue());
            }
            int replication = integer("kafka.replicationFactor", KafkaConfig.DEFAULT_REPLICATION_FACTOR, 1, Short.MAX_VALUE);
            return config.replicationFactor((short) replication);
        }
        Path dir = data == null ? ServerConfig.DEFAULT_DATA : Path.of(data.text());
        return EmbeddedConfig.of(dir).maxEventBytes(maxEventBytes);
    }

    private Optional<ServerConfig.TlsConfig> tls() {
        Optional<String> store = string("tls.keyStore");
        Optional<String> certificate = string("tls.certificate");
        Optional<String> key = string("tls.privateKey");
        if (store.isPresent() && certificate.isPresent()) {
            throw new InvalidSpecException("give tls.keyStore (PKCS#12) or tls.certificate with tls.privateKey (PEM), not both");
        }
        if (certificate.isPresent() != key.isPresent()) {
            throw new InvalidSpecException("a PEM certificate needs its key: give both tls.certificate and tls.privateKey");
        }
        if (store.isPresent()) {
            return Optional.of(ServerConfig.TlsConfig.pkcs12(Path.of(store.get()), string("tls.password").orElse("")));
        }
        return certificate.map(c -> ServerConfig.TlsConfig.pem(Path.of(c), Path.of(key.get())));
    }

    private Optional<String> string(String key) {
        return Optional.ofNullable(values.get(key)).map(Value::text).filter(t -> !t.isBlank());
    }

    private int integer(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    private long longValue(String key, long defaultValue, long min, long max) {
        Value v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v.text().trim());
            if (n < min || n > max) {
                throw new InvalidSpecException(v.where(key) + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidSpecException(v.where(key) + " must be a whole number, got '" + v.text() + "'");
        }
    }

    private Optional<Double> optionalDouble(String key) {
        Value v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Double.parseDouble(v.text().trim()));
        } catch (NumberFormatException e) {
            throw new InvalidSpecException(v.where(key) + " must be a number, got '" + v.text() + "'");
        }
    }

    private Duration duration(String key, Duration defaultValue) {
        Value v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Durations.parse(v.text());
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException(v.where(key) + ": " + e.getMessage());
        }
    }

    private <T> T checked(String key, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidSpecException | IllegalArgumentException e) {
            Value v = values.get(key);
            throw new InvalidSpecException((v == null ? key : v.where(key)) + ": " + e.getMessage());
        }
    }

    private static <T> T checkedAll(java.util.function.Supplier<T> build) {
        return build.get();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
