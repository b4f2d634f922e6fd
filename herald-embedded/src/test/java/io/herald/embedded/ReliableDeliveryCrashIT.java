package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Ordering;
import io.herald.broker.Subscriber;
import io.herald.testkit.ChildJvm;
import io.herald.testkit.DeliveryHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reliable delivery across {@code kill -9}: a child JVM consumes with ordering {@code KEY} or
 * {@code PARTITION} while leases, retries (some events fail a few times, poison events always)
 * and delayed events are in flight, and is killed again and again. Afterwards every event is
 * acked or dead-lettered, none lost; each poison event is dead-lettered once, with exactly the
 * policy's attempts (the counts survived the kills); no event's attempt number ever went down; no event whose ack
 * completed more than a second before a kill was delivered again (acks reach the disk, in order
 * or not); each key's events were first handled in publish order.
 */
class ReliableDeliveryCrashIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "PARTITION"})
    void everyEventIsAckedOrDeadLetteredOnceAcrossKills(Ordering ordering) throws Exception {
        int rounds = Math.max(4, Integer.getInteger("herald.crash.rounds", 20) / 3);
        Random random = new Random();
        List<String> done = new CopyOnWriteArrayList<>();
        DeliveryHistory deliveries = new DeliveryHistory();
        for (int round = 0; round < rounds; round++) {
            boolean[] subscribed = {false};
            try (ChildJvm child = ChildJvm.start(ReliableCrashConsumer.class, line -> {
                if (line.equals("SUBSCRIBED")) {
                    subscribed[0] = true;
                } else if (line.startsWith("DONE ")) {
                    String[] parts = line.split(" ");
                    done.add(parts[1] + " " + parts[2]);
                    deliveries.acked(parts[4], Long.parseLong(parts[3]));
                } else if (line.startsWith("CALL ")) {
                    String[] parts = line.split(" ");
                    deliveries.called(parts[3], Integer.parseInt(parts[2]));
                }
            }, dir.toString(), ordering.name())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> subscribed[0] || !child.isAlive());
                assertThat(child.isAlive()).as("child alive; stderr:%n%s", child.stderr()).isTrue();
                long until = System.nanoTime() + Duration.ofMillis(100 + random.nextInt(600)).toNanos();
                await().pollInterval(Duration.ofMillis(5)).until(() -> System.nanoTime() >= until);
                deliveries.killed(System.currentTimeMillis());
                child.kill();
            }
        }
        int total = ReliableCrashConsumer.EVENTS + ReliableCrashConsumer.DELAYED;
        Set<String> handledAfter = ConcurrentHashMap.newKeySet();
        List<DeadLetter> dead;
        try (Broker broker = EmbeddedBroker.open(dir);
             Subscriber last = broker.subscribe(ReliableCrashConsumer.TOPIC, ReliableCrashConsumer.SUBSCRIPTION,
                     ReliableCrashConsumer.spec(ordering), d -> {
                         deliveries.called(d.position().toString(), d.attempt());
                         ReliableCrashConsumer.handle(d);
                         handledAfter.add(d.event().id());
                     })) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(unfinished(broker, done, handledAfter, total))
                    .as("events neither handled nor dead-lettered; subscription %s",
                            broker.describeSubscription(ReliableCrashConsumer.TOPIC, ReliableCrashConsumer.SUBSCRIPTION))
                    .isEmpty());
            dead = broker.deadLetters(ReliableCrashConsumer.TOPIC, ReliableCrashConsumer.SUBSCRIPTION).list(DeadLetterSelector.all(), 10_000);
        }
        Set<String> handled = new HashSet<>(handledAfter);
        done.forEach(line -> handled.add(line.split(" ")[0]));
        Set<String> deadIds = new HashSet<>();
        dead.forEach(d -> deadIds.add(d.event().id()));
        assertThat(dead).extracting(d -> d.event().id()).as("dead letters, one per poison event").doesNotHaveDuplicates();
        for (int n = 0; n < total; n++) {
            String id = "p-" + n;
            if (n % ReliableCrashConsumer.POISON == 0) {
                assertThat(deadIds).as("poison %s dead-lettered", id).contains(id);
                assertThat(handled).doesNotContain(id);
            } else {
                assertThat(handled).as("%s handled", id).contains(id);
                assertThat(deadIds).as("%s never dead-lettered", id).doesNotContain(id);
            }
        }
        for (DeadLetter d : dead) {
            assertThat(d.attempts()).as("attempts of %s", d.event().id()).isEqualTo(ReliableCrashConsumer.POLICY.maxAttempts());
        }
        assertThat(deliveries.attemptsGoingDown()).as("deliveries whose attempt number went down").isEmpty();
        assertThat(deliveries.ackedBeforeAKillAndDeliveredAgain()).as("acked > 1 s before a kill, then delivered again").isEmpty();
        assertFirstHandlingInKeyOrder(done);
    }

    /** Events neither handled (by a child or the last consumer) nor, for poison ones, dead-lettered. */
    private static List<String> unfinished(Broker broker, List<String> done, Set<String> handledAfter, int total) {
        Set<String> all = new HashSet<>(handledAfter);
        done.forEach(line -> all.add(line.split(" ")[0]));
        Set<String> dead = new HashSet<>();
        broker.deadLetters(ReliableCrashConsumer.TOPIC, ReliableCrashConsumer.SUBSCRIPTION)
                .list(DeadLetterSelector.all(), 10_000).forEach(d -> dead.add(d.event().id()));
        List<String> missing = new ArrayList<>();
        for (int n = 0; n < total; n++) {
            String id = "p-" + n;
            if (n % ReliableCrashConsumer.POISON == 0 ? !dead.contains(id) : !all.contains(id)) {
                missing.add(id);
            }
        }
        return missing;
    }

    /** The child's first DONE of each event, per key, comes in publish order (later repeats are redeliveries). */
    private static void assertFirstHandlingInKeyOrder(List<String> done) {
        Set<String> seen = new HashSet<>();
        Map<String, List<Integer>> firstByKey = new HashMap<>();
        for (String line : done) {
            String id = line.split(" ")[0];
            if (seen.add(id)) {
                int n = Integer.parseInt(id.substring(2));
                firstByKey.computeIfAbsent("acct-" + (n % 23), k -> new ArrayList<>()).add(n);
            }
        }
        firstByKey.forEach((key, numbers) -> assertThat(numbers).as("first handling order of %s", key).isSorted());
    }
}
