package io.herald.server;

import io.herald.http.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code server.json} in a data directory the server holds: where it listens, whether it wants a
 * token, and its process id. The directory is locked while the server runs, so a CLI command
 * aimed at it reads this file and talks to the server instead of failing with "in use". Written
 * atomically after the server listens; removed when it stops (a file left by a killed server
 * names a process that is gone, which a reader checks).
 */
public final class ServerFile {

    public static final String NAME = "server.json";
    private static final Logger LOG = LoggerFactory.getLogger(ServerFile.class);

    private ServerFile() {
    }

    /** What the file says. */
    public record Contents(URI url, boolean auth, long pid) {
    }

    static void write(Path dataDirectory, URI url, boolean auth) {
        Map<String, Object> contents = new LinkedHashMap<>();
        contents.put("url", url.toString());
        contents.put("auth", auth);
        contents.put("pid", ProcessHandle.current().pid());
        Path file = dataDirectory.resolve(NAME);
        Path temporary = dataDirectory.resolve(NAME + ".tmp");
        try {
            Files.write(temporary, Json.write(contents));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("cannot write {}: CLI commands on this data directory will not find the server ({})", file, e.getMessage());
        }
    }

    static void remove(Path dataDirectory) {
        try {
            Files.deleteIfExists(dataDirectory.resolve(NAME));
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dataDirectory.resolve(NAME), e.getMessage());
        }
    }

    /** The server running on the directory, if the file names one whose process is alive. */
    public static Optional<Contents> read(Path dataDirectory) {
        return contents(dataDirectory).filter(c -> ProcessHandle.of(c.pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    /**
     * What the file says, whether or not the process it names is alive here: for a directory
     * whose lock another process holds, where the server may run in another process namespace (a
     * container) and its pid mean nothing to this one.
     */
    public static Optional<Contents> contents(Path dataDirectory) {
        Path file = dataDirectory.resolve(NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            var tree = Json.MAPPER.readTree(Files.readAllBytes(file));
            long pid = tree.path("pid").asLong(-1);
            if (pid <= 0 || !tree.path("url").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new Contents(URI.create(tree.path("url").asText()), tree.path("auth").asBoolean(), pid));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
