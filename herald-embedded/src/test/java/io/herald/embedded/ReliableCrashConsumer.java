package io.herald.embedded;

import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.FsyncPolicy;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The victim of {@link ReliableDeliveryCrashIT}: on its first run publishes {@value #EVENTS}
 * keyed events and {@value #DELAYED} delayed ones; then consumes them with the ordering its
 * second argument names ({@code KEY} or {@code PARTITION}) through a handler that fails some events a few times and one in {@value #POISON} always,
 * printing {@code CALL id attempt position} as each call starts and {@code DONE id attempt millis
 * position} when it succeeds (the ack follows at once), until it is killed.
 */
public final class ReliableCrashConsumer {

    static final String TOPIC = "payments";
    static final String SUBSCRIPTION = "ledger";
    static final int EVENTS = 600;
    static final int DELAYED = 60;
    static final int POISON = 37;
    static final int FLAKY = 7;
    static final RetryPolicy POLICY = RetryPolicy.maxAttempts(4).backoff(Duration.ofMillis(40), 2.0, Duration.ofMillis(300));

    static SubscriptionSpec spec(Ordering ordering) {
        return SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).retry(POLICY)
                .leaseDuration(Duration.ofSeconds(2)).concurrency(8);
    }

    /** The handler's verdict, the same in every run: poison events always fail, flaky ones fail their first two attempts. */
    static void handle(Delivery d) {
        int n = Integer.parseInt(d.event().id().substring(2));
        if (n % POISON == 0) {
            throw new IllegalStateException("poison " + n);
        }
        if (n % FLAKY == 0 && d.attempt() <= 2) {
            throw new IllegalStateException("flaky " + n + " attempt " + d.attempt());
        }
    }

    static Event event(int n) {
        return Event.builder().id("p-" + n).type("payment.made").source("/pay").partitionKey("acct-" + (n % 23)).data("pay " + n).build();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Ordering ordering = Ordering.valueOf(args[1]);
        PrintStream out = new PrintStream(System.out, false, java.nio.charset.StandardCharsets.UTF_8);
        Broker broker = EmbeddedBroker.open(dir);
        try {
            broker.createTopic(TOPIC, TopicSpec.partitions(4).fsync(FsyncPolicy.ALWAYS));
            List<Event> events = new ArrayList<>();
            for (int n = 0; n < EVENTS; n++) {
                events.add(event(n));
            }
            broker.publish(TOPIC, events).join();
            List<Event> later = new ArrayList<>();
            for (int n = EVENTS; n < EVENTS + DELAYED; n++) {
                later.add(event(n));
            }
            broker.publishAt(TOPIC, later, Instant.now().plusMillis(1500)).join();
            out.println("PUBLISHED");
            out.flush();
        } catch (TopicExistsException e) {
            // a later run: consume what is left
        }
        broker.subscribe(TOPIC, SUBSCRIPTION, spec(ordering), d -> {
            synchronized (out) {
                out.println("CALL " + d.event().id() + " " + d.attempt() + " " + d.position());
                out.flush();
            }
            Thread.sleep(1); // some work, so that kills land mid-handler
            handle(d);
            synchronized (out) {
                out.println("DONE " + d.event().id() + " " + d.attempt() + " " + System.currentTimeMillis() + " " + d.position());
                out.flush();
            }
        });
        synchronized (out) {
            out.println("SUBSCRIBED");
            out.flush();
        }
        Thread.currentThread().join();
    }
}
