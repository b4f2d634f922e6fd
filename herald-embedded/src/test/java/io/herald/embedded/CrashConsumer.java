package io.herald.embedded;

import io.herald.broker.Broker;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The victim of {@link ConsumerCrashIT}: on first run publishes the events, then consumes them
 * with two push consumers of one subscription (so partitions rebalance as they start), printing
 * {@code DONE id} when a handler returns, until it is killed.
 */
public final class CrashConsumer {

    static final String TOPIC = "orders";
    static final String SUBSCRIPTION = "worker";
    static final int EVENTS = 3000;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        PrintStream out = new PrintStream(System.out, false, java.nio.charset.StandardCharsets.UTF_8);
        Broker broker = EmbeddedBroker.open(dir);
        try {
            broker.createTopic(TOPIC, TopicSpec.partitions(4).fsync(FsyncPolicy.ALWAYS));
            List<Event> events = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                events.add(Event.builder().id("e-" + i).type("order.placed").source("/shop").partitionKey("c-" + (i % 50)).data("order " + i).build());
            }
            broker.publish(TOPIC, events).join();
        } catch (TopicExistsException e) {
            // a later round: consume what is left
        }
        SubscriptionSpec spec = SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST);
        for (int c = 0; c < 2; c++) {
            broker.subscribe(TOPIC, SUBSCRIPTION, spec, d -> {
                Thread.sleep(0, 200_000); // some work, so a kill lands mid-stream
                synchronized (out) {
                    out.println("DONE " + d.event().id());
                    out.flush();
                }
            });
        }
        Thread.currentThread().join(); // until killed
    }
}
