package io.herald.cli;

import io.herald.broker.TopicExistsException;
import io.herald.error.HeraldException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "demo",
        description = {"See the embedded broker work, in a few seconds: a topic of orders, two subscriptions "
                + "that each get every order, and a replay that gets them again in the same order.",
                "Runs in a fresh temporary directory (deleted afterwards) unless --data is given."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--events", paramLabel = "N", defaultValue = "20",
            description = "How many orders to publish, 1-10000 (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--keep", description = "Keep the temporary data directory, to look at it with other commands.")
    boolean keep;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (events < 1 || events > 10_000) {
            throw new ParameterException(spec.commandLine(), "--events must be between 1 and 10000, got " + events);
        }
        HeraldCommand root = HeraldCommand.of(spec);
        root.refuseServerOption(spec.commandLine(), "the demo runs an embedded broker of its own");
        boolean temporary = !root.dataGiven();
        Path dir = temporary ? Files.createTempDirectory("herald-demo-") : root.dataDirectory();
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println("Herald demo: an embedded broker on " + dir.toAbsolutePath());
            try (BrokerSession session = BrokerSession.open(io.herald.EmbeddedConfig.of(dir))) {
                return new OrdersDemo(session.broker(), out, events).run() ? 0 : FailureHandler.EXIT_FAILURE;
            } catch (TopicExistsException e) {
                throw new HeraldException(e.getMessage() + " in " + dir.toAbsolutePath()
                        + "; the demo needs a directory without it (run 'herald demo' without --data)", e);
            }
        } finally {
            out.flush();
            if (temporary && !keep) {
                deleteRecursively(dir);
            } else if (temporary) {
                out.println("kept the data directory; look at it with: herald topics describe orders --data " + dir.toAbsolutePath());
                out.flush();
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover in the temporary directory is not worth failing the demo for.
        }
    }
}
