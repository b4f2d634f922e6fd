package io.herald.embedded;

import io.herald.broker.Broker;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.Names;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The victim of {@link TopicDeleteCrashIT}: creates topics (every other one with a name of the
 * longest length), fills each with events, deletes it, and prints {@code CREATED name count} once a
 * topic and its events are durable and {@code DELETED name} once its delete returned, until it is
 * killed. Names run on from {@code args[1]}, so that rounds in one directory never collide.
 */
public final class CrashTopicChurner {

    static final int EVENTS = 40;

    static String name(long i) {
        String suffix = "-" + i;
        return i % 2 == 0 ? "churn" + suffix : "c".repeat(Names.MAX_LENGTH - suffix.length()) + suffix;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Broker broker = EmbeddedBroker.open(dir);
        for (long i = first; ; i++) {
            String name = name(i);
            broker.createTopic(name, TopicSpec.partitions(2).fsync(FsyncPolicy.ALWAYS).segmentBytes(1024));
            List<Event> events = new ArrayList<>();
            for (int e = 0; e < EVENTS; e++) {
                events.add(Event.builder().type("t").source("/churn").partitionKey("k" + e).data("event-" + e).build());
            }
            broker.publish(name, events).join();
            out.println("CREATED " + name + " " + EVENTS);
            broker.deleteTopic(name);
            out.println("DELETED " + name);
        }
    }
}
