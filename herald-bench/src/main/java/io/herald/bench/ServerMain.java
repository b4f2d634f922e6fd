package io.herald.bench;

import io.herald.server.HeraldServer;
import io.herald.server.config.ServerConfig;
import io.herald.server.config.ServerSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The Herald server as {@link ServerBench} runs it in a child JVM: {@code ServerSettings} from
 * {@code --key value} pairs (the settings' keys, {@code --data DIR --port P}) and the environment,
 * exactly as {@code herald server} resolves them, then {@link HeraldServer#start}. SIGTERM stops it
 * cleanly (a shutdown hook closes the server, so the log is closed).
 *
 * <pre>java -cp herald-bench.jar io.herald.bench.ServerMain --data /tmp/d --port 7070</pre>
 */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --key value pairs, got '" + args[i] + "'");
            }
            flags.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("expected --key value pairs; '" + args[args.length - 1] + "' has no value");
        }
        ServerConfig config = ServerSettings.resolve(flags, System.getenv());
        HeraldServer server = HeraldServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        }, "herald-bench-server-stop"));
        System.out.println("listening on " + server.url());
        System.out.flush();
        stopped.await();
    }
}
