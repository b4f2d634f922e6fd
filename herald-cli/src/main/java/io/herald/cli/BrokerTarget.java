package io.herald.cli;

import io.herald.EmbeddedConfig;
import io.herald.Herald;
import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.broker.StorageException;
import io.herald.client.RemoteBroker;
import io.herald.client.ServerUnreachableException;
import io.herald.error.HeraldException;
import io.herald.server.ServerFile;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a command's broker is, as the options and the environment name it: a data directory, a
 * Kafka cluster, or a Herald server. A data directory that a running server holds is reached
 * through that server: the server locks the directory and writes {@code server.json} in it, so
 * a command reads where it listens instead of failing with "in use".
 */
sealed interface BrokerTarget {

    /** Opens the broker: the backend itself, or a client of the server. */
    Broker open();

    /** Where the command works, for messages: the directory, the cluster, the server. */
    String describe();

    /**
     * A data directory: opened here, unless a server holds it. A server is found by its
     * {@code server.json} when the process it names is alive, or, when opening says another
     * process holds the directory, by the file alone (the server may run in a container, whose
     * pid means nothing here).
     */
    record DataDirectory(Path directory, Optional<String> token) implements BrokerTarget {

        /** The embedded broker's words for a directory another process has locked. */
        private static final String IN_USE = "in use by another Herald process";

        @Override
        public Broker open() {
            Optional<ServerFile.Contents> running = ServerFile.read(directory);
            if (running.isPresent()) {
                return throughServer(running.get());
            }
            try {
                return Herald.open(EmbeddedConfig.of(directory));
            } catch (StorageException e) {
                Optional<ServerFile.Contents> named = e.getMessage() != null && e.getMessage().contains(IN_USE)
                        ? ServerFile.contents(directory) : Optional.empty();
                if (named.isEmpty()) {
                    throw e;
                }
                try {
                    return throughServer(named.get());
                } catch (ServerUnreachableException unreachable) {
                    throw new StorageException(e.getMessage() + "; its " + ServerFile.NAME + " names the server at "
                            + named.get().url() + ", which does not answer", e);
                }
            }
        }

        private Broker throughServer(ServerFile.Contents server) {
            if (server.auth() && token.isEmpty()) {
                throw new HeraldException("data directory " + directory.toAbsolutePath() + " is held by the Herald server at "
                        + server.url() + ", which wants a token: set " + HeraldCommand.TOKEN_ENVIRONMENT_VARIABLE);
            }
            return RemoteBroker.connect(server.url(), token);
        }

        @Override
        public String describe() {
            return directory.toAbsolutePath().toString();
        }
    }

    /** A Kafka cluster, through the Kafka backend. */
    record Kafka(KafkaConfig config) implements BrokerTarget {

        @Override
        public Broker open() {
            return Herald.open(config);
        }

        @Override
        public String describe() {
            return "the Kafka cluster at " + config.bootstrapServers();
        }
    }

    /** A Herald server at a URL ({@code --server}), with the bearer token of {@code $HERALD_TOKEN}. */
    record Server(URI url, Optional<String> token) implements BrokerTarget {

        @Override
        public Broker open() {
            return RemoteBroker.connect(url, token);
        }

        @Override
        public String describe() {
            return "the Herald server at " + url;
        }
    }
}
