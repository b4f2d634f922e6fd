package io.herald.server;

import io.herald.server.config.ServerSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Herald server in a child JVM, for tests that kill it with SIGKILL: arguments are settings as
 * {@code key=value} ({@code data=DIR}, {@code kafka=HOST:PORT}, {@code cluster.secret=...}); it
 * prints {@code LISTENING <url>} once it serves, then runs until killed.
 */
public final class ServerChild {

    public static final String READY = "LISTENING ";

    private ServerChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("port", "0");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            flags.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        HeraldServer server = HeraldServer.start(ServerSettings.resolve(flags, Map.of()));
        System.out.println(READY + server.url());
        System.out.flush();
        Thread.currentThread().join();
    }
}
