package io.herald.bench;

import io.herald.broker.FsyncPolicy;
import io.herald.broker.TopicSpec;
import io.herald.embedded.EmbeddedBroker;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The child JVM of the reopen workload: fills a 1-partition topic with 1 KiB events until
 * {@code bytes} are acknowledged, prints {@code WRITTEN <events>}, and keeps publishing until the
 * parent kills it with SIGKILL, so that the kill lands in the middle of writes, as a crash does.
 * Usage: {@code ReopenWriter <data dir> <bytes>}.
 */
public final class ReopenWriter {

    static final String TOPIC = "reopen";
    static final int DATA_BYTES = 1024;

    private ReopenWriter() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        EventPool pool = new EventPool(DATA_BYTES);
        EmbeddedBroker broker = EmbeddedBroker.open(dir);
        broker.createTopic(TOPIC, TopicSpec.partitions(1).fsync(FsyncPolicy.NEVER));
        CompletableFuture<?>[] window = new CompletableFuture<?>[PublishLoad.BATCH_WINDOW];
        long acked = 0;
        boolean told = false;
        // a parent that never kills: stop at twice the size rather than fill the disk
        for (long i = 0; acked * pool.encodedBytes() < 2 * bytes; i++) {
            int slot = (int) (i % window.length);
            if (window[slot] != null) {
                window[slot].join();
                acked += EventPool.BATCH;
                if (!told && acked * (pool.encodedBytes() + 2) >= bytes) {
                    System.out.println("WRITTEN " + acked);
                    System.out.flush();
                    told = true;
                }
            }
            window[slot] = broker.publish(TOPIC, pool.batch(i));
        }
        System.exit(3);
    }
}
