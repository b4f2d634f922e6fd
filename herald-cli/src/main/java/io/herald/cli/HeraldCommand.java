package io.herald.cli;

import io.herald.KafkaConfig;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code herald} command: works on a data directory with the embedded broker, one command per
 * process (the directory is locked while a broker has it open), with {@code --kafka} on a Kafka
 * cluster through the Kafka backend, or with {@code --server} through a Herald server's HTTP API:
 * the same commands, the same output. A data directory that a running server holds is worked on
 * through that server (see {@link BrokerTarget.DataDirectory}).
 *
 * <p>Exit codes: 0 done, 1 Herald refused or failed (the message says why), 2 wrong arguments.
 */
// scope INHERIT: every subcommand gets --help, --version and the footer too
@Command(name = "herald",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = HeraldVersion.class,
        description = {"Herald, the event-driven-architecture toolkit: topics, publish, read, subscriptions and their dead letters "
                + "on a data directory, a Kafka cluster or a Herald server.", "New here? Run: herald demo"},
        subcommands = {TopicsCommand.class, PublishCommand.class, ReadCommand.class, GroupsCommand.class, DlqCommand.class,
                DemoCommand.class, ServerCommand.class, DoctorCommand.class},
        footer = {"", "Exit codes: 0 done, 1 Herald refused or failed, 2 wrong arguments."})
public final class HeraldCommand extends CommandGroup {

    public static final String DATA_ENVIRONMENT_VARIABLE = "HERALD_DATA";
    public static final String KAFKA_ENVIRONMENT_VARIABLE = "HERALD_KAFKA";
    public static final String SERVER_ENVIRONMENT_VARIABLE = "HERALD_SERVER";
    /** The bearer token a command presents to a server (the one {@code herald server} takes as its own, too). */
    public static final String TOKEN_ENVIRONMENT_VARIABLE = "HERALD_TOKEN";
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

    // Inherited like --data: the same commands through a Herald server's HTTP API.
    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = {"Work through the Herald server at this URL, such as http://127.0.0.1:7070, with the token in "
                    + "$HERALD_TOKEN (default: $HERALD_SERVER if set).",
                    "Without it, a command on a data directory that a running server holds goes through that server."})
    String server;

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
     * Where the broker is: a server with {@code --server}, a Kafka cluster with {@code --kafka},
     * the data directory with {@code --data}; without any of them, {@code $HERALD_SERVER}, then
     * {@code $HERALD_KAFKA}, then {@code $HERALD_DATA} or the default directory. Two of the options
     * at once are a usage error.
     */
    BrokerTarget target(CommandLine commandLine) {
        if (server != null && (data != null || kafka != null)) {
            throw new CommandLine.ParameterException(commandLine, "give --server alone: it works through a Herald server, "
                    + "--data on a data directory, --kafka on a Kafka cluster");
        }
        if (kafka != null && data != null) {
            throw new CommandLine.ParameterException(commandLine, "give either --kafka or --data, not both: --kafka works on a "
                    + "Kafka cluster, --data on a data directory");
        }
        Optional<String> token = Optional.ofNullable(environment.get(TOKEN_ENVIRONMENT_VARIABLE)).filter(t -> !t.isBlank());
        if (server != null) {
            return new BrokerTarget.Server(serverUrl(commandLine, server, "--server"), token);
        }
        String serverFromEnvironment = kafka == null && data == null ? environment.get(SERVER_ENVIRONMENT_VARIABLE) : null;
        if (serverFromEnvironment != null && !serverFromEnvironment.isBlank()) {
            return new BrokerTarget.Server(serverUrl(commandLine, serverFromEnvironment, "$" + SERVER_ENVIRONMENT_VARIABLE), token);
        }
        String servers = kafka != null ? kafka : data == null ? environment.get(KAFKA_ENVIRONMENT_VARIABLE) : null;
        if (servers != null && !servers.isBlank()) {
            // a command lives for seconds: the application's brokers release delayed events
            return new BrokerTarget.Kafka(KafkaConfig.of(servers).releasesDelayedEvents(false));
        }
        return new BrokerTarget.DataDirectory(dataDirectory(), token);
    }

    private static URI serverUrl(CommandLine commandLine, String text, String source) {
        URI url;
        try {
            url = new URI(text.trim());
        } catch (URISyntaxException e) {
            url = null;
        }
        if (url == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new CommandLine.ParameterException(commandLine, source + " must be a server's URL such as http://127.0.0.1:7070, "
                    + "got '" + text + "'");
        }
        return url;
    }

    /** Where the command works, for messages: the data directory, the Kafka servers or the Herald server. */
    String describeBackend(CommandLine commandLine) {
        return target(commandLine).describe();
    }

    /** A command that runs a broker of its own ({@code server}, {@code demo}) takes no {@code --server}. */
    void refuseServerOption(CommandLine commandLine, String why) {
        if (server != null) {
            throw new CommandLine.ParameterException(commandLine, "--server does not go with this command: " + why);
        }
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
