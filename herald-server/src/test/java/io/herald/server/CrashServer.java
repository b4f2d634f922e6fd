package io.herald.server;

import java.nio.file.Path;

/**
 * The victim of {@link ServerCrashIT}: a Herald server on the data directory named by the first
 * argument, on a free port of 127.0.0.1. Prints {@code URL <url>} once it listens, then serves
 * until it is killed.
 */
public final class CrashServer {

    private CrashServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        HeraldServer server = HeraldServer.start(ServerConfig.embedded(Path.of(args[0])).withPort(0));
        System.out.println("URL " + server.url());
        System.out.flush();
        Thread.currentThread().join();
    }
}
