package io.herald.cli;

import io.herald.BackendConfig;
import io.herald.EmbeddedConfig;
import io.herald.kafka.KafkaConfig;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code herald} command: works on a data directory with the embedded broker, one command per
 * process (the directory is locked while a broker has it open), or with {@code --kafka} on a
 * Kafka cluster through the Kafka backend: the same commands, the same output.
 *
 * <p>Exit codes: 0 done, 1 Herald refused or failed (the message says why), 2 wrong arguments.
 */
// scope INHERIT: every subcommand gets --help, --version and the footer too
@Command(name = "herald",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = HeraldVersion.class,
        description = {"Herald, the event-driven-architecture toolkit: topics, publish, read, subscriptions and their dead letters "
                + "on a data directory.", "New here? Run: herald demo"},
        subcommands = {TopicsCommand.class, PublishCommand.class, ReadCommand.class, GroupsCommand.class, DlqCommand.class,
                DemoCommand.class, ServerCommand.class},
        footer = {"", "Exit codes: 0 done, 1 Herald refused or failed, 2 wrong arguments."})
public final class HeraldCommand extends CommandGroup {

    public static final String DATA_ENVIRONMENT_VARIABLE = "HERALD_DATA";
    public static final String KAFKA_ENVIRONMENT_VARIABLE = "HERALD_KAFKA";
    public static final Path DEFAULT_DATA_DIRECTORY = Path.of("herald-data");

    // Inherited: `herald topics list --data x` and `herald --data x topics list` both set this field.
    @Option(names = {"-d", "--data"}, paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The data directory (default: $HERALD_DATA, else herald-data in the working directory).")
    Path data;

    // Inherited like --data: the same commands work on a Kafka cluster through the Kafka backend.
    @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]", scope = ScopeType.INHERIT,
            description = "Work on a Kafka cluster with these bootstrap servers instead of a data directory "
                    + "(default: $HERALD_KAFKA if set).")
    String kafka;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error.")
    boolean verbose;

    private final InputStream stdin;
    private final Map<String, String> environment;

    public HeraldCommand() {
        this(System.in, System.getenv());
    }

    /** For tests and embedding: where {@code publish} reads lines and where {@code HERALD_DATA} is looked up. */
    public HeraldCommand(InputStream stdin, Map<String, String> environment) {
        this.stdin = stdin;
        this.environment = Map.copyOf(environment);
    }

    public static void main(String[] args) {
        // Buffered, not flushed at each line: `herald read` prints millions of lines. Commands flush
        // after each batch, so a pipe still sees events as they come. UTF-8 whatever the locale,
        // because the output is data (JSON) first.
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int exitCode = commandLine(new HeraldCommand()).setOut(out).setErr(err).execute(args);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }

    /** The command line with Herald's error handling; set its out and err after this call. */
    public static CommandLine commandLine(HeraldCommand root) {
        return new CommandLine(root)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(new UsageErrorHandler())
                .setExecutionExceptionHandler(new FailureHandler());
    }

    /** The root of the command tree that {@code spec} belongs to. */
    static HeraldCommand of(CommandSpec spec) {
        return (HeraldCommand) spec.root().userObject();
    }

    Path dataDirectory() {
        if (data != null) {
            return data;
        }
        String fromEnvironment = environment.get(DATA_ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        return DEFAULT_DATA_DIRECTORY;
    }

    /**
     * Where the broker is: a Kafka cluster with {@code --kafka} (or {@code $HERALD_KAFKA} when no
     * {@code --data} is given), else the data directory. Both options at once are a usage error.
     */
    BackendConfig backend(CommandLine commandLine) {
        if (kafka != null && data != null) {
            throw new CommandLine.ParameterException(commandLine, "give either --kafka or --data, not both: --kafka works on a "
                    + "Kafka cluster, --data on a data directory");
        }
        String servers = kafka != null ? kafka : data == null ? environment.get(KAFKA_ENVIRONMENT_VARIABLE) : null;
        if (servers != null && !servers.isBlank()) {
            // a command lives for seconds: the application's brokers release delayed events
            return KafkaConfig.of(servers).releasesDelayedEvents(false);
        }
        return EmbeddedConfig.of(dataDirectory());
    }

    /** Where the command works, for messages: the Kafka servers or the data directory. */
    String describeBackend(CommandLine commandLine) {
        return switch (backend(commandLine)) {
            case KafkaConfig k -> "the Kafka cluster at " + k.bootstrapServers();
            case EmbeddedConfig e -> dataDirectory().toAbsolutePath().toString();
            default -> "the broker";
        };
    }

    /** True when the user named a data directory with {@code --data}, not by default or environment. */
    boolean dataGiven() {
        return data != null;
    }

    Map<String, String> environment() {
        return environment;
    }

    boolean verbose() {
        return verbose;
    }

    InputStream stdin() {
        return stdin;
    }
}
