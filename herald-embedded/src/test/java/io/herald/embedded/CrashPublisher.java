package io.herald.embedded;

import io.herald.broker.Broker;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.Position;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The victim of {@link PublishCrashIT}: publishes to a topic with fsync ALWAYS from several
 * threads, singly and in batches, and prints {@code ACK partition offset id} for each event only
 * after its future completed, until it is killed.
 *
 * <p>Event ids are {@code <generation>-<thread>-<sequence>}; each thread's sequence rises, so the
 * reader can check order per thread within a partition.
 */
public final class CrashPublisher {

    static final String TOPIC = "crash";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String generation = args[1];
        PrintStream out = new PrintStream(System.out, false, java.nio.charset.StandardCharsets.UTF_8);
        Broker broker = EmbeddedBroker.open(dir);
        try {
            broker.createTopic(TOPIC, TopicSpec.partitions(4).fsync(FsyncPolicy.ALWAYS).segmentBytes(256 * 1024));
        } catch (TopicExistsException e) {
            // a later round: the topic holds the earlier rounds' events
        }
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> publishForever(broker, generation, thread, out)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void publishForever(Broker broker, String generation, int thread, PrintStream out) {
        for (long seq = 0; ; ) {
            if (thread % 2 == 0) {
                // pipelined single publishes
                List<Event> events = new ArrayList<>();
                List<CompletableFuture<Position>> futures = new ArrayList<>();
                for (int i = 0; i < 16; i++, seq++) {
                    Event e = event(generation, thread, seq);
                    events.add(e);
                    futures.add(broker.publish(TOPIC, e));
                }
                for (int i = 0; i < futures.size(); i++) {
                    report(out, futures.get(i).join(), events.get(i));
                }
            } else {
                List<Event> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++, seq++) {
                    batch.add(event(generation, thread, seq));
                }
                List<Position> positions = broker.publish(TOPIC, batch).join();
                for (int i = 0; i < batch.size(); i++) {
                    report(out, positions.get(i), batch.get(i));
                }
            }
        }
    }

    private static Event event(String generation, int thread, long seq) {
        String id = generation + "-" + thread + "-" + seq;
        return Event.builder().id(id).type("crash.test").source("/crash").partitionKey("k-" + thread + "-" + (seq % 3))
                .data("payload of " + id + " " + "z".repeat((int) (seq % 200))).build();
    }

    private static void report(PrintStream out, Position p, Event e) {
        synchronized (out) {
            out.println("ACK " + p.partition() + " " + p.offset() + " " + e.id());
            out.flush();
        }
    }
}
