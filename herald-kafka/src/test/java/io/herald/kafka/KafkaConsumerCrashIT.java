package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.broker.DeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.event.Event;
import io.herald.testkit.ChildJvm;
import io.herald.testkit.DeliveryHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A consumer process killed with {@code kill -9} mid-retry, on a real Kafka broker: the test JVM
 * runs Kafka ({@link InJvmKafka}) and publishes {@value KafkaCrashConsumer#EVENTS} keyed events;
 * a child JVM ({@link KafkaCrashConsumer}) consumes them, some events failing once or twice
 * (retried after a few hundred ms) and some always (dead-lettered), and is killed while such
 * retries wait, again and again; a last child then runs until the work is done.
 *
 * <p>What is asserted, precisely:
 * <ol>
 *   <li>none lost: every event that does not always fail is in the handled file at least once and
 *       is not in the dead-letter topic; every event that always fails is in the dead-letter topic
 *       (read with a plain {@link TopicReader}, decoded with {@link DeadLetterFormat}) and never in
 *       the handled file, with exactly the retry policy's attempts (the schedule survived the kills);</li>
 *   <li>a dead letter is final: no event is in the dead-letter topic twice (a kill between its
 *       write and the commit that passes it leaves an intent, and the next owner looks first);</li>
 *   <li>order: per key, the first handling of each event (its first line in the file, which both
 *       children appended to, one after the other) comes in publish order; later lines of the same
 *       event are redeliveries (at-least-once);</li>
 *   <li>duplicates come only from the kills: within one child's run, no event is handled twice;
 *       no event whose ack completed more than a second before a kill is delivered again (the
 *       commit, with the offsets finished above it, reached Kafka);</li>
 *   <li>no event's attempt number ever goes down across the kills (a settled event's retry
 *       schedule outlives it until a commit passes it).</li>
 * </ol>
 */
class KafkaConsumerCrashIT {

    private static final int KILLS = 3;

    private static InJvmKafka kafka;

    @TempDir
    Path dir;

    /** What the children printed, for the failure messages. */
    private final List<String> childLines = new CopyOnWriteArrayList<>();
    private final DeliveryHistory deliveries = new DeliveryHistory();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stopKafka() throws IOException {
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "PARTITION"})
    void everyEventIsHandledOrDeadLetteredAcrossKills(Ordering ordering) throws Exception {
        String topic = KafkaCrashConsumer.TOPIC + "-" + ordering.name().toLowerCase(java.util.Locale.ROOT);
        Path handled = dir.resolve("handled.txt");
        Random random = new Random();
        try (Broker broker = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()))) {
            broker.createTopic(topic, TopicSpec.partitions(4));
            List<Event> events = new ArrayList<>();
            for (int n = 0; n < KafkaCrashConsumer.EVENTS; n++) {
                events.add(KafkaCrashConsumer.event(n));
            }
            broker.publish(topic, events).join();

            for (int run = 1; run <= KILLS; run++) {
                AtomicInteger failures = new AtomicInteger();
                boolean[] subscribed = {false};
                int before = handledLines(handled);
                try (ChildJvm child = start(topic, handled, run, ordering, subscribed, failures)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> subscribed[0] || !child.isAlive());
                    assertThat(child.isAlive()).as("child alive; stderr:%n%s", child.stderr()).isTrue();
                    // mid-retry: this run has handled events and some failed attempt waits for its backoff
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                            .until(() -> handledLines(handled) > before + 20 && failures.get() > 0 || !child.isAlive());
                    assertThat(child.isAlive()).as("child alive; stderr:%n%s", child.stderr()).isTrue();
                    long until = System.nanoTime() + Duration.ofMillis(random.nextInt(150)).toNanos();
                    await().pollInterval(Duration.ofMillis(2)).until(() -> System.nanoTime() >= until);
                    deliveries.killed(System.currentTimeMillis());
                    child.kill();
                }
            }

            String dlq = KafkaCrashConsumer.spec(ordering).deadLetterTopicFor(topic, KafkaCrashConsumer.SUBSCRIPTION);
            AtomicInteger failures = new AtomicInteger();
            boolean[] subscribed = {false};
            try (ChildJvm last = start(topic, handled, KILLS + 1, ordering, subscribed, failures)) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    assertThat(last.isAlive()).as("last child alive; stderr:%n%s", last.stderr()).isTrue();
                    assertThat(unfinished(handled, deadLetters(broker, dlq)))
                            .as("events neither handled nor dead-lettered; subscription %s; the children's last lines:%n%s",
                                    broker.describeSubscription(topic, KafkaCrashConsumer.SUBSCRIPTION),
                                    lastLines(30))
                            .isEmpty();
                });
            }

            Map<Integer, DeadLetter> dead = deadLetters(broker, dlq);
            assertThat(everyDeadLetter(broker, dlq)).extracting(d -> d.event().id()).as("dead letters, one per poison event")
                    .doesNotHaveDuplicates();
            Handled file = Handled.read(handled);
            for (int n = 0; n < KafkaCrashConsumer.EVENTS; n++) {
                if (KafkaCrashConsumer.poison(n)) {
                    assertThat(dead).as("always-failing p-%d dead-lettered", n).containsKey(n);
                    assertThat(file.numbers()).as("always-failing p-%d never handled", n).doesNotContain(n);
                } else {
                    assertThat(file.numbers()).as("p-%d handled", n).contains(n);
                    assertThat(dead).as("p-%d not dead-lettered", n).doesNotContainKey(n);
                }
            }
            for (DeadLetter d : dead.values()) {
                assertThat(d.topic()).isEqualTo(topic);
                assertThat(d.subscription()).isEqualTo(KafkaCrashConsumer.SUBSCRIPTION);
                // the retry schedule is durable: the kills neither reset the attempt count nor add attempts
                assertThat(d.attempts()).as("attempts of %s", d.event().id()).isEqualTo(KafkaCrashConsumer.POLICY.maxAttempts());
            }
            file.firstHandlingsByKey().forEach((key, numbers) ->
                    assertThat(numbers).as("first handlings of %s", key).isSorted());
            file.runs().forEach((run, numbers) ->
                    assertThat(numbers).as("events handled twice within run %d", run).doesNotHaveDuplicates());
            assertThat(deliveries.attemptsGoingDown()).as("deliveries whose attempt number went down").isEmpty();
            List<String> again = deliveries.ackedBeforeAKillAndDeliveredAgain();
            Set<String> numbers = new HashSet<>();
            again.forEach(x -> numbers.add(x.substring(x.indexOf("/p-") + 3, x.indexOf(' '))));
            List<String> related = childLines.stream()
                    .filter(l -> l.contains("SUBSCRIBED") || l.contains(" WARN ") || l.contains(" ERROR ")
                            || numbers.stream().anyMatch(n -> l.matches(".*(CALL|DONE|FAIL) " + n + "( .*)?")))
                    .toList();
            assertThat(again).as("acked > 1 s before a kill, then delivered again; the children's lines about them:%n%s",
                    String.join("\n", related)).isEmpty();
        }
    }

    /** The children's last lines (a copy: they go on printing). */
    private String lastLines(int n) {
        List<String> lines = List.copyOf(childLines);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private ChildJvm start(String topic, Path handled, int run, Ordering ordering, boolean[] subscribed, AtomicInteger failures)
            throws IOException {
        return ChildJvm.start(KafkaCrashConsumer.class, line -> {
            childLines.add(System.currentTimeMillis() + " run " + run + ": " + line);
            if (line.equals("SUBSCRIBED")) {
                subscribed[0] = true;
            } else if (line.startsWith("FAIL ")) {
                failures.incrementAndGet();
            } else if (line.startsWith("CALL ")) {
                String[] parts = line.split(" ");
                deliveries.called(topic + "/p-" + parts[1], Integer.parseInt(parts[2]));
            } else if (line.startsWith("DONE ")) {
                String[] parts = line.split(" ");
                deliveries.acked(topic + "/p-" + parts[1], Long.parseLong(parts[2]));
            }
        }, kafka.bootstrapServers(), topic, handled.toString(), Integer.toString(run), ordering.name());
    }

    /** Events neither handled nor, if they always fail, dead-lettered. */
    private static Set<Integer> unfinished(Path handled, Map<Integer, DeadLetter> dead) throws IOException {
        Set<Integer> done = new HashSet<>(Handled.read(handled).numbers());
        Set<Integer> missing = new TreeSet<>();
        for (int n = 0; n < KafkaCrashConsumer.EVENTS; n++) {
            if (KafkaCrashConsumer.poison(n) ? !dead.containsKey(n) : !done.contains(n)) {
                missing.add(n);
            }
        }
        return missing;
    }

    /** The dead-letter topic read from its start with a reader (no subscription), by event number. */
    private static Map<Integer, DeadLetter> deadLetters(Broker broker, String dlq) {
        Map<Integer, DeadLetter> dead = new HashMap<>();
        everyDeadLetter(broker, dlq).forEach(d -> dead.put(KafkaCrashConsumer.number(d.event()), d));
        return dead;
    }

    /** Every dead letter in the topic, in the order read: an event dead-lettered twice is in it twice. */
    private static List<DeadLetter> everyDeadLetter(Broker broker, String dlq) {
        List<DeadLetter> dead = new java.util.ArrayList<>();
        if (broker.listTopics().stream().noneMatch(t -> t.name().equals(dlq))) {
            return dead;
        }
        try (TopicReader reader = broker.reader(dlq, StartPosition.EARLIEST)) {
            List<StoredEvent> batch;
            while (!(batch = reader.poll(1000, Duration.ofMillis(500))).isEmpty()) {
                for (StoredEvent stored : batch) {
                    DeadLetterFormat.read(stored).ifPresent(dead::add);
                }
            }
        }
        return dead;
    }

    private static int handledLines(Path handled) throws IOException {
        return Files.exists(handled) ? Handled.read(handled).numbers().size() : 0;
    }

    /**
     * The handled file: {@code key,number} lines in the order they were appended, each run after a
     * {@code # run <n>} line. A line cut short by the kill (no newline yet) is not a handling.
     */
    private record Handled(List<String> keys, List<Integer> numbers, Map<Integer, List<Integer>> runs) {

        static Handled read(Path file) throws IOException {
            List<String> keys = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            Map<Integer, List<Integer>> runs = new HashMap<>();
            if (!Files.exists(file)) {
                return new Handled(keys, numbers, runs);
            }
            String text = Files.readString(file);
            int complete = text.lastIndexOf('\n') + 1;
            int run = 0;
            for (String line : text.substring(0, complete).split("\n")) {
                if (line.startsWith("# run ")) {
                    run = Integer.parseInt(line.substring(6).trim());
                } else if (!line.isEmpty()) {
                    String[] parts = line.split(",");
                    int n = Integer.parseInt(parts[1]);
                    assertThat(parts[0]).as("key of p-%d", n).isEqualTo(KafkaCrashConsumer.key(n));
                    keys.add(parts[0]);
                    numbers.add(n);
                    runs.computeIfAbsent(run, r -> new ArrayList<>()).add(n);
                }
            }
            return new Handled(keys, numbers, runs);
        }

        /** Per key, the events in the order of their first handling. */
        Map<String, List<Integer>> firstHandlingsByKey() {
            Set<Integer> seen = new HashSet<>();
            Map<String, List<Integer>> byKey = new HashMap<>();
            for (int i = 0; i < numbers.size(); i++) {
                if (seen.add(numbers.get(i))) {
                    byKey.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(numbers.get(i));
                }
            }
            return byKey;
        }
    }
}
