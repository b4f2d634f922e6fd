package io.herald.bench;

import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.DeadLetters;
import io.herald.broker.Ordering;
import io.herald.broker.RedriveTarget;
import io.herald.embedded.EmbeddedBroker;
import io.herald.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Redrive: {@code --redrive-events} N events (8 partitions, 10,000 keys) are published to a
 * subscription of 8 consumers whose handler rejects every one, so all N go to the dead-letter
 * topic; then the handler acks, and {@code deadLetters(topic, subscription).redrive(all(),
 * subscription(), NONE)} sends them back to that subscription, which consumes them again.
 * Reported: publish + reject + dead-letter write (N ÷ time until the dead-letter topic holds all
 * N and the cursors reached the end), the redrive call alone (N ÷ its duration), and redrive +
 * re-consumption (N ÷ time from the call to the N-th ack).
 *
 * <p>Herald only: Kafka has no redrive (a share group can archive a rejected record; getting it
 * back means an application reading a topic of its own and publishing again).
 */
final class RedriveWorkload {

    static final String NAME = "redrive";
    static final int CONSUMERS = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    private RedriveWorkload() {
    }

    static List<BenchCase> cases(BenchOptions o) {
        return o.orderings().stream().<BenchCase>map(ordering -> new RedriveCase(ordering, o.redriveEvents())).toList();
    }

    record RedriveCase(Ordering ordering, long events) implements BenchCase {

        @Override
        public String workload() {
            return NAME;
        }

        @Override
        public String label() {
            return String.format(Locale.ROOT, "%s, %d cons, %,d events", ordering, CONSUMERS, events);
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.DEAD_LETTER_PER_SECOND, Metric.REDRIVE_CALL_PER_SECOND, Metric.REDRIVE_PER_SECOND);
        }

        @Override
        public Map<Metric, Target> targets() {
            return Map.of();
        }

        @Override
        public boolean heraldOnly() {
            return true;
        }

        @Override
        public Map<Metric, Double> run(BrokerUnderTest system, RunContext run) throws Exception {
            EmbeddedBroker broker = ((HeraldUnderTest) system).broker();
            String topic = run.topic();
            String subscription = "redrive-" + topic;
            String deadLetterTopic = DeadLetters.defaultTopic(topic, subscription);
            AckedLoad.Recorder recorder = new AckedLoad.Recorder(0, 0);
            recorder.rejecting = true;
            system.createTopic(topic, AckedLoad.PARTITIONS, Durability.NEVER);
            try (AutoCloseable consumers = system.acked(topic, subscription, ordering, CONSUMERS, recorder)) {
                long t0 = System.nanoTime();
                publish(broker, topic, events);
                waitFor(() -> recorder.rejects.sum() >= events && broker.describeTopic(deadLetterTopic).eventCount() >= events,
                        "dead letters");
                waitFor(() -> broker.describeSubscription(topic, subscription).lag() == 0, "the cursors to reach the end");
                long t1 = System.nanoTime();

                recorder.rejecting = false;
                DeadLetterQueue queue = broker.deadLetters(topic, subscription);
                long t2 = System.nanoTime();
                long redriven = queue.redrive(DeadLetterSelector.all(), RedriveTarget.subscription(), DeadLetterQueue.Progress.NONE);
                long t3 = System.nanoTime();
                if (redriven != events) {
                    throw new IllegalStateException("redrove " + redriven + " of " + events + " dead letters");
                }
                waitFor(() -> recorder.acks.sum() >= events, "the redriven events to be acknowledged");
                long t4 = System.nanoTime();
                return Map.of(Metric.DEAD_LETTER_PER_SECOND, events * 1e9 / (t1 - t0),
                        Metric.REDRIVE_CALL_PER_SECOND, events * 1e9 / (t3 - t2),
                        Metric.REDRIVE_PER_SECOND, events * 1e9 / (t4 - t2));
            } finally {
                system.deleteTopic(topic);
            }
        }

        private static void publish(EmbeddedBroker broker, String topic, long events) {
            KeyedEvents pool = KeyedEvents.pool();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (long i = 0, published = 0; published < events; i++) {
                List<Event> batch = pool.batch(i);
                if (events - published < batch.size()) {
                    batch = batch.subList(0, (int) (events - published));
                }
                inFlight.add(broker.publish(topic, batch));
                published += batch.size();
            }
            inFlight.forEach(CompletableFuture::join);
        }

        private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("gave up waiting for " + what + " after " + TIMEOUT.toSeconds() + " s");
                }
                Thread.sleep(5);
            }
        }
    }
}
