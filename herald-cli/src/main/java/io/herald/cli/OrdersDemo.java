package io.herald.cli;

import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicSpec;
import io.herald.error.HeraldException;
import io.herald.event.Event;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The demo's story, told through the Broker API alone: publish orders keyed by customer, two
 * subscriptions (fan-out) each get every order, lag drops to 0, then a reset replays one
 * subscription and the replay is compared with the first run, partition by partition.
 *
 * <p>Handlers run on the broker's threads; every line goes through {@link #say}, which holds the
 * writer's lock so lines from different threads never mix.
 */
final class OrdersDemo {

    static final String TOPIC = "orders";
    static final int PARTITIONS = 4;
    // Eight keys that land in all four partitions.
    private static final String[] CUSTOMERS = {"customer-1", "customer-2", "customer-3", "customer-4", "customer-5",
            "customer-6", "customer-7", "customer-8"};
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final Broker broker;
    private final PrintWriter out;
    private final int count;

    OrdersDemo(Broker broker, PrintWriter out, int count) {
        this.broker = broker;
        this.out = out;
        this.count = count;
    }

    /** True when every subscription got every order and the replay matched; the last line says so. */
    boolean run() throws InterruptedException {
        broker.createTopic(TOPIC, TopicSpec.partitions(PARTITIONS));
        say("created topic '" + TOPIC + "' with " + PARTITIONS + " partitions");

        SubscriptionSpec fromEarliest = SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST);
        Receiver billing = new Receiver("billing");
        Receiver shipping = new Receiver("shipping");
        Subscriber billingSubscriber = broker.subscribe(TOPIC, "billing", fromEarliest, billing);
        Subscriber shippingSubscriber = broker.subscribe(TOPIC, "shipping", fromEarliest, shipping);
        say("subscribed 'billing' and 'shipping' (push consumers, from the earliest event): each gets every order");

        say("publishing " + count + " orders keyed by customer: one customer's orders share a partition, in order");
        for (Event order : orders()) {
            Position position = broker.publish(TOPIC, order).join();
            say(String.format(Locale.ROOT, "  published %-9s for %-10s -> %s", order.subject().orElseThrow(),
                    order.partitionKey().orElseThrow(), position));
        }

        billing.awaitAll();
        shipping.awaitAll();
        awaitNoLag("billing");
        awaitNoLag("shipping");
        say("");
        say("both subscriptions got every order; their cursors (as 'herald groups describe orders billing' shows them):");
        report("billing", "shipping");

        billingSubscriber.close();
        broker.resetSubscription(TOPIC, "billing", StartPosition.EARLIEST);
        say("");
        say("replay: closed billing's consumer, reset it to earliest (herald groups reset orders billing --to earliest), lag is now "
                + broker.describeSubscription(TOPIC, "billing").lag() + "; subscribing again:");
        Receiver replay = new Receiver("billing replay");
        Subscriber replaySubscriber = broker.subscribe(TOPIC, "billing", fromEarliest, replay);
        replay.awaitAll();
        replaySubscriber.close();
        shippingSubscriber.close();

        boolean sameOrder = replay.byPartition().equals(billing.byPartition());
        boolean complete = billing.received() == count && shipping.received() == count && replay.received() == count;
        say("");
        say("published " + count + ", billing got " + billing.received() + ", shipping got " + shipping.received()
                + ", replay got " + replay.received() + (sameOrder ? " in the same order" : " in a DIFFERENT order"));
        return sameOrder && complete;
    }

    private List<Event> orders() {
        Random random = new Random(20261122); // the same story every run
        List<Event> orders = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String customer = CUSTOMERS[random.nextInt(CUSTOMERS.length)];
            String total = String.format(Locale.ROOT, "%.2f", 5 + random.nextInt(20_000) / 100.0);
            orders.add(Event.builder()
                    .type("order.placed")
                    .source("/herald/demo/shop")
                    .subject("order-" + i)
                    .json("{\"order\":\"order-" + i + "\",\"customer\":\"" + customer + "\",\"total\":" + total + "}")
                    .partitionKey(customer)
                    .build());
        }
        return orders;
    }

    // A handler's return acks; the cursor is committed just after, so lag reaches 0 a moment later.
    private void awaitNoLag(String subscription) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (broker.describeSubscription(TOPIC, subscription).lag() > 0) {
            if (System.nanoTime() > deadline) {
                throw new HeraldException("demo: subscription '" + subscription + "' still has lag "
                        + broker.describeSubscription(TOPIC, subscription).lag() + " after " + PATIENCE.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }

    private void report(String... subscriptions) {
        Table cursors = Table.withHeader("subscription", "partition", "committed", "end", "lag");
        for (String subscription : subscriptions) {
            SubscriptionInfo info = broker.describeSubscription(TOPIC, subscription);
            info.cursors().forEach(c -> cursors.row(subscription, c.partition(), c.committed(), c.end(), c.lag()));
        }
        synchronized (out) {
            cursors.print(out);
            out.flush();
        }
    }

    private void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** One subscription's consumer: prints each order and remembers, per partition, the order ids in arrival order. */
    private final class Receiver implements DeliveryHandler {
        private final String name;
        private final Map<Integer, List<String>> byPartition = new TreeMap<>();
        private int received;

        Receiver(String name) {
            this.name = name;
        }

        @Override
        public void handle(Delivery delivery) {
            Event e = delivery.event();
            String order = e.subject().orElse(e.id());
            synchronized (this) {
                byPartition.computeIfAbsent(delivery.position().partition(), p -> new ArrayList<>()).add(order);
                received++;
                notifyAll();
            }
            say(String.format(Locale.ROOT, "    %-14s <- %-4s %-9s for %s", name, delivery.position(), order,
                    e.partitionKey().orElse("no key")));
        }

        synchronized int received() {
            return received;
        }

        synchronized Map<Integer, List<String>> byPartition() {
            Map<Integer, List<String>> copy = new TreeMap<>();
            byPartition.forEach((p, orders) -> copy.put(p, List.copyOf(orders)));
            return copy;
        }

        synchronized void awaitAll() throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (received < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new HeraldException("demo: '" + name + "' got " + received + " of " + count + " orders in "
                            + PATIENCE.toSeconds() + " s");
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
