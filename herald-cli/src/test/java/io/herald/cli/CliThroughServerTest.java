package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.EmbeddedConfig;
import io.herald.Herald;
import io.herald.broker.Broker;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.server.HeraldServer;
import io.herald.server.ServerFile;
import io.herald.server.auth.AccessToken;
import io.herald.server.config.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command through a running server: found by its {@code server.json} on the data
 * directory it holds ({@code --data DIR}), or named with {@code --server URL}. The output is the
 * output the same command prints on the directory itself.
 */
class CliThroughServerTest {

    private static final String ADMIN_TOKEN = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path data;

    /** {@code herald ARGS --data dir}, with the environment given. */
    private static Cli.Result onDirectory(Path dir, Map<String, String> env, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", dir.toString()));
        return Cli.execute(stdin, env, all.toArray(String[]::new));
    }

    /** {@code herald ARGS --server url}, with the environment given. */
    private static Cli.Result onServer(URI url, Map<String, String> env, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", url.toString()));
        return Cli.execute(stdin, env, all.toArray(String[]::new));
    }

    private static HeraldServer serve(Path dir, UnaryOperator<ServerConfig> customize) {
        return HeraldServer.start(customize.apply(ServerConfig.embedded(dir).withPort(0)));
    }

    /** Commands that only look: each, as the directory itself answers it. */
    private static final List<List<String>> LOOKS = List.of(
            List.of("topics", "list"),
            List.of("topics", "describe", "orders"),
            List.of("read", "orders"),
            List.of("read", "orders", "--format", "line", "--from", "1", "--max", "3"),
            List.of("groups", "list", "orders"),
            List.of("groups", "describe", "orders", "billing"),
            List.of("groups", "describe", "orders", "shipping"),
            List.of("dlq", "list", "orders", "billing"),
            List.of("dlq", "list", "orders", "billing", "--format", "json", "--match", "{\"type\": [\"order.placed\"]}"),
            List.of("dlq", "list", "orders", "billing", "--limit", "1"),
            List.of("dlq", "show", "orders", "billing", "0@0"),
            List.of("topics", "describe", "nope"),
            List.of("groups", "describe", "orders", "ghost"),
            List.of("dlq", "show", "orders", "billing", "9@9"));

    /**
     * Topic 'orders' (2 partitions) with JSON, spaced JSON and text events; subscription 'billing'
     * (KEY, a spaced filter) rejected three of them; 'shipping' acked two.
     */
    private void fill(Path dir) {
        Cli cli = new Cli(dir);
        cli.run("topics", "create", "orders", "--partitions", "2", "--retention", "7d");
        cli.runWithStdin("{\"total\":1}\n{\"total\": 2, \"note\": \"spaced\"}\n\"three\"\n", "publish", "orders", "--key", "a",
                "--type", "order.placed", "-q");
        cli.runWithStdin("c1\nc2\n", "publish", "orders", "--key", "d", "--type", "order.cancelled", "-q", "--content-type", "text/plain");
        try (Broker broker = Herald.open(EmbeddedConfig.of(dir))) {
            settle(broker, "billing", SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST)
                    .filter("{\"partitionkey\": [\"a\"],\n \"type\": [{\"exists\": true}]}"), 3, false);
            settle(broker, "shipping", SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST), 2, true);
        }
    }

    private static void settle(Broker broker, String subscription, SubscriptionSpec spec, int count, boolean ack) {
        try (PullSubscriber subscriber = broker.pullSubscriber("orders", subscription, spec)) {
            int done = 0;
            while (done < count) {
                for (Delivery d : subscriber.poll(count - done, Duration.ofSeconds(5))) {
                    if (ack) {
                        d.ack();
                    } else {
                        d.reject("total out of range");
                    }
                    done++;
                }
            }
        }
        if (!ack) {
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.deadLetters("orders", subscription).count(DeadLetterSelector.all()) == count);
        } else {
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.describeSubscription("orders", subscription).lag() == 5 - count);
        }
    }

    @Test
    void whatACommandPrintsThroughTheServerIsWhatItPrintsOnTheDirectory() {
        fill(data);
        Map<List<String>, Cli.Result> direct = new LinkedHashMap<>();
        for (List<String> command : LOOKS) {
            direct.put(command, onDirectory(data, Map.of(), "", command.toArray(String[]::new)));
        }
        assertThat(direct.get(LOOKS.get(2)).outLines()).as("the events were read").hasSize(5);
        assertThat(direct.get(LOOKS.get(5)).out()).contains("{\"partitionkey\": [\"a\"],\\n \"type\": [{\"exists\": true}]}");

        try (HeraldServer server = serve(data, c -> c)) {
            assertThat(ServerFile.read(data)).isPresent();
            for (List<String> command : LOOKS) {
                String[] args = command.toArray(String[]::new);
                assertThat(onDirectory(data, Map.of(), "", args)).as("herald %s --data (found through server.json)", command)
                        .isEqualTo(direct.get(command));
                assertThat(onServer(server.url(), Map.of(), "", args)).as("herald %s --server", command)
                        .isEqualTo(expectedOnServer(direct.get(command), server.url()));
            }
        }
    }

    /** On a server, a message that names the directory names the server instead. */
    private Cli.Result expectedOnServer(Cli.Result onDirectory, URI url) {
        return new Cli.Result(onDirectory.exitCode(), onDirectory.out(),
                onDirectory.err().replace(data.toAbsolutePath().toString(), "the Herald server at " + url));
    }

    /**
     * The commands that change things, run three times on fresh directories: on the directory
     * itself, through a server found by its {@code server.json}, through a server named by URL.
     * They print the same (positions are the same: every event has a key).
     */
    @Test
    void whatACommandChangesThroughTheServerItPrintsAsOnTheDirectory() throws IOException {
        Path plain = Files.createDirectories(data.resolve("plain"));
        Path found = Files.createDirectories(data.resolve("found"));
        Path named = Files.createDirectories(data.resolve("named"));
        fill(plain);
        fill(found);
        fill(named);
        List<Cli.Result> onPlain = changes(args -> onDirectory(plain, Map.of(), "\"one\"\n\"two\"\n", args), plain);
        try (HeraldServer foundServer = serve(found, c -> c); HeraldServer namedServer = serve(named, c -> c)) {
            List<Cli.Result> onFound = changes(args -> onDirectory(found, Map.of(), "\"one\"\n\"two\"\n", args), found);
            List<Cli.Result> onNamed = changes(args -> onServer(namedServer.url(), Map.of(), "\"one\"\n\"two\"\n", args), named);

            assertThat(onFound).containsExactlyElementsOf(onPlain);
            assertThat(onNamed).containsExactlyElementsOf(onPlain);
            // the changes were the servers' own: their brokers hold them
            assertThat(foundServer.broker().listSubscriptions("orders")).extracting(sub -> sub.name()).containsExactly("billing");
            assertThat(namedServer.broker().listSubscriptions("orders")).extracting(sub -> sub.name()).containsExactly("billing");
        }
        assertThat(onPlain.get(0).out()).isEqualTo("created topic 'created': 3 partitions, fsync always, retention 1d\n");
        assertThat(onPlain.subList(0, onPlain.size() - 1)).allSatisfy(r -> assertThat(r.exitCode()).as(r.toString()).isZero());
        assertThat(onPlain.getLast().errLines()).containsExactly("herald: topic 'created' does not exist");
    }

    private interface Command {
        Cli.Result run(String... args);
    }

    private static List<Cli.Result> changes(Command herald, Path dir) {
        List<Cli.Result> results = new ArrayList<>();
        results.add(herald.run("topics", "create", "created", "--partitions", "3", "--retention", "1d"));
        results.add(herald.run("publish", "created", "{\"total\": 42}", "--key", "k1"));
        results.add(herald.run("publish", "created", "--key", "k2"));
        results.add(herald.run("publish", "created", "--key", "k2", "--quiet"));
        results.add(herald.run("publish", "created", "later", "--key", "k3", "--at", "2030-01-01T00:00:00Z", "--content-type", "text/plain"));
        results.add(herald.run("publish", "created", "--key", "k3", "--at", "2030-01-01T00:00:00Z"));
        results.add(withoutSizes(herald.run("topics", "describe", "created")));
        results.add(herald.run("groups", "reset", "orders", "shipping", "--to", "earliest"));
        results.add(herald.run("dlq", "redrive", "orders", "billing", "--range", "0:0-0"));
        results.add(herald.run("dlq", "redrive", "orders", "billing", "--to-topic", "created"));
        results.add(herald.run("dlq", "purge", "orders", "billing", "--all"));
        results.add(herald.run("groups", "delete", "orders", "shipping"));
        results.add(herald.run("groups", "list", "orders"));
        results.add(herald.run("topics", "delete", "created"));
        results.add(herald.run("topics", "delete", "created"));
        return results;
    }

    /**
     * The sizes a describe prints, masked: an event's time is stored with its nanoseconds as a
     * varint, so the same events published twice differ by a byte here and there, server or not.
     */
    private static Cli.Result withoutSizes(Cli.Result describe) {
        return new Cli.Result(describe.exitCode(), describe.out().replaceAll("\\b\\d+(\\.\\d+)? (B|KiB)\\b", "<size>"), describe.err());
    }

    @Test
    void aFollowingReadSeesWhatIsPublishedOverHttpWhileItRuns() throws Exception {
        new Cli(data).run("topics", "create", "orders", "--partitions", "2");
        try (HeraldServer server = serve(data, c -> c)) {
            CompletableFuture<Cli.Result> follow = CompletableFuture.supplyAsync(() ->
                    onDirectory(data, Map.of(), "", "read", "orders", "--follow", "--from", "latest", "--max", "3", "--format", "line"));
            List<String> published = new ArrayList<>();
            int n = 0;
            while (!follow.isDone() && n < 200) {
                // over HTTP, through another client: the CLI's own publish, with --server
                Cli.Result publish = onServer(server.url(), Map.of(), "", "publish", "orders", "event-" + n, "--key", "k" + n,
                        "--content-type", "text/plain");
                assertThat(publish.exitCode()).as(publish.toString()).isZero();
                published.add("event-" + n++);
                Thread.sleep(100);
            }
            Cli.Result result = follow.get();

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.outLines()).hasSize(3);
            List<String> printed = result.outLines().stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
            assertThat(published).containsAll(printed);
        }
    }

    @Test
    void aServerWithTokensIsReachedWithHeraldTokenAndRefusedWithout() {
        new Cli(data).run("topics", "create", "orders");
        Map<String, String> withToken = Map.of(HeraldCommand.TOKEN_ENVIRONMENT_VARIABLE, ADMIN_TOKEN);
        try (HeraldServer server = serve(data, c -> c.withHost("127.0.0.1").withTokens(List.of(AccessToken.admin("admin", ADMIN_TOKEN))))) {
            URI url = server.url();

            assertThat(onDirectory(data, withToken, "", "topics", "list").outLines()).hasSize(2);
            assertThat(onServer(url, withToken, "", "publish", "orders", "{}").exitCode()).isZero();

            Cli.Result found = onDirectory(data, Map.of(), "", "topics", "list");
            assertThat(found.exitCode()).isEqualTo(1);
            assertThat(found.errLines()).containsExactly("herald: data directory " + data.toAbsolutePath()
                    + " is held by the Herald server at " + url + ", which wants a token: set HERALD_TOKEN");

            Cli.Result named = onServer(url, Map.of(), "", "topics", "list");
            assertThat(named.exitCode()).isEqualTo(1);
            assertThat(named.errLines()).containsExactly("herald: the Herald server at " + url + " refused the request "
                    + "(401 unauthorized): this server needs a token: send 'Authorization: Bearer <token>' "
                    + "(give the CLI one of its tokens in HERALD_TOKEN)");

            Cli.Result wrong = onServer(url, Map.of(HeraldCommand.TOKEN_ENVIRONMENT_VARIABLE, "f".repeat(32)), "", "topics", "list");
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.err()).contains("the token is not one this server knows");
        }
    }

    @Test
    void theServerOptionAndItsEnvironmentVariable(@TempDir Path other) {
        new Cli(data).run("topics", "create", "orders");
        try (HeraldServer server = serve(data, c -> c)) {
            Map<String, String> env = new HashMap<>(Map.of(HeraldCommand.SERVER_ENVIRONMENT_VARIABLE, server.url().toString()));
            assertThat(Cli.execute("", env, "topics", "list").outLines()).hasSize(2);
            // --data wins over the environment: this directory is empty
            assertThat(Cli.execute("", env, "topics", "list", "--data", other.toString()).err())
                    .isEqualTo("no topics in " + other.toAbsolutePath() + "\n");
            assertThat(Cli.execute("", Map.of(), "topics", "list", "--server", server.url().toString()).outLines()).hasSize(2);
        }
    }

    @Test
    void theServerOptionsMistakesAreUsageErrorsAndAnAbsentServerIsNamed() throws IOException {
        Cli.Result both = Cli.execute("", Map.of(), "topics", "list", "--server", "http://127.0.0.1:7070", "--data", data.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.errLines().getFirst()).isEqualTo("herald: give --server alone: it works through a Herald server, "
                + "--data on a data directory, --kafka on a Kafka cluster");
        assertThat(Cli.execute("", Map.of(), "topics", "list", "--server", "x", "--kafka", "h:9092").exitCode()).isEqualTo(2);
        Cli.Result notAUrl = Cli.execute("", Map.of(), "topics", "list", "--server", "localhost:7070");
        assertThat(notAUrl.exitCode()).isEqualTo(2);
        assertThat(notAUrl.errLines().getFirst())
                .isEqualTo("herald: --server must be a server's URL such as http://127.0.0.1:7070, got 'localhost:7070'");
        assertThat(Cli.execute("", Map.of(HeraldCommand.SERVER_ENVIRONMENT_VARIABLE, "nowhere"), "topics", "list").errLines().getFirst())
                .startsWith("herald: $HERALD_SERVER must be a server's URL");
        assertThat(Cli.execute("", Map.of(), "server", "--server", "http://127.0.0.1:7070").exitCode()).isEqualTo(2);
        assertThat(Cli.execute("", Map.of(), "demo", "--server", "http://127.0.0.1:7070").exitCode()).isEqualTo(2);

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Cli.Result absent = Cli.execute("", Map.of(), "topics", "list", "--server", "http://127.0.0.1:" + port);
        assertThat(absent.exitCode()).isEqualTo(1);
        assertThat(absent.errLines()).hasSize(1);
        assertThat(absent.err()).startsWith("herald: the Herald server at http://127.0.0.1:" + port + " does not answer");
    }

    @Test
    void aServerFileLeftByAServerThatIsGoneIsPassedBy() throws IOException {
        new Cli(data).run("topics", "create", "orders");
        long gone = ProcessHandle.current().pid() + 1_000_000;
        Files.writeString(data.resolve(ServerFile.NAME), "{\"url\": \"http://127.0.0.1:1\", \"auth\": false, \"pid\": " + gone + "}");

        Cli.Result list = onDirectory(data, Map.of(), "", "topics", "list");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.outLines()).hasSize(2);
    }
}
