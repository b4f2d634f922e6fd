package io.herald.kafka;

import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.Event;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The victim of {@link KafkaConsumerCrashIT}: a process that connects to the test's Kafka broker
 * and consumes a topic with the given ordering until it is killed. Its handler fails one
 * event in {@value #FLAKY} on its first two attempts and one in {@value #POISON} always (dead-lettered
 * after {@link #POLICY}'s attempts); every success is appended to the handled file as a
 * {@code key,number} line and forced to disk before the handler returns (so before the ack), so the
 * file holds every handling that may have been acknowledged. Each run starts its part of the file
 * with a {@code # run <n>} line. Standard output: {@code SUBSCRIBED} once subscribed, {@code CALL
 * <number> <attempt>} as each call starts, {@code FAIL <number> <attempt>} per failed attempt,
 * {@code DONE <number> <millis>} once a handling is on disk (the ack follows at once).
 *
 * <pre>args: bootstrap-servers topic handled-file run-number ordering</pre>
 */
public final class KafkaCrashConsumer {

    static final String TOPIC = "payments";
    static final String SUBSCRIPTION = "ledger";
    static final int EVENTS = 2_000;
    static final int KEYS = 23;
    static final int POISON = 97;
    static final int FLAKY = 13;
    /** A few hundred ms between attempts, so that a kill lands while retries wait. */
    static final RetryPolicy POLICY = RetryPolicy.maxAttempts(4).backoff(Duration.ofMillis(200), 1.5, Duration.ofMillis(400));

    private KafkaCrashConsumer() {
    }

    static SubscriptionSpec spec(Ordering ordering) {
        // a short session, so that the group gives the killed member's partitions to the next one soon
        return SubscriptionSpec.ordering(ordering).startAt(StartPosition.EARLIEST).retry(POLICY)
                .sessionTimeout(Duration.ofSeconds(2)).leaseDuration(Duration.ofSeconds(5)).concurrency(8);
    }

    static String key(int n) {
        return "acct-" + (n % KEYS);
    }

    static Event event(int n) {
        return Event.builder().id("p-" + n).type("payment.made").source("/pay").partitionKey(key(n)).data("pay " + n).build();
    }

    static int number(Event event) {
        return Integer.parseInt(event.id().substring(2));
    }

    static boolean poison(int n) {
        return n % POISON == POISON - 1;
    }

    /** The handler's verdict, the same in every run: poison events always fail, flaky ones fail their first two attempts. */
    static void failIfDue(Delivery d) {
        int n = number(d.event());
        if (poison(n)) {
            throw new IllegalStateException("poison " + n);
        }
        if (n % FLAKY == 0 && d.attempt() <= 2) {
            throw new IllegalStateException("flaky " + n + " attempt " + d.attempt());
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        Path handledFile = Path.of(args[2]);
        int run = Integer.parseInt(args[3]);
        Ordering ordering = Ordering.valueOf(args[4]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        FileChannel handled = FileChannel.open(handledFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        append(handled, "# run " + run + "\n");
        Broker broker = KafkaBroker.connect(KafkaConfig.of(bootstrap));
        broker.subscribe(topic, SUBSCRIPTION, spec(ordering), d -> {
            synchronized (out) {
                out.println("CALL " + number(d.event()) + " " + d.attempt());
                out.flush();
            }
            Thread.sleep(3); // some work, so that kills land mid-handler
            try {
                failIfDue(d);
            } catch (IllegalStateException e) {
                synchronized (out) {
                    out.println("FAIL " + number(d.event()) + " " + d.attempt());
                    out.flush();
                }
                throw e;
            }
            append(handled, d.event().partitionKey().orElseThrow() + "," + number(d.event()) + "\n");
            synchronized (out) {
                out.println("DONE " + number(d.event()) + " " + System.currentTimeMillis());
                out.flush();
            }
        });
        synchronized (out) {
            out.println("SUBSCRIBED");
            out.flush();
        }
        Thread.currentThread().join();
    }

    /** One write of a whole line (O_APPEND: lines of concurrent handlers do not interleave), then fsync. */
    private static void append(FileChannel file, String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        synchronized (file) {
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            file.force(false);
        }
    }
}
