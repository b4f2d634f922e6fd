package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.Position;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.event.Event;
import io.herald.testkit.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 1: an acknowledged publish survives {@code kill -9}. A child JVM publishes with fsync
 * ALWAYS and reports each acknowledged position; the test kills it at a random moment, reopens
 * the data directory and checks that every acknowledged event is there, intact, at its position
 * and in order, and that the log takes new writes. Rounds accumulate in one directory, so later
 * rounds also recover logs that earlier kills left behind.
 * {@code -Dherald.crash.rounds} sets the rounds (20 by default, 1,000 with {@code -Pcrash-soak}).
 */
class PublishCrashIT {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedEventSurvivesKillDashNine() throws Exception {
        int rounds = Integer.getInteger("herald.crash.rounds", 20);
        long seed = Long.getLong("herald.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<Position, String> acknowledged = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            Map<Position, String> acks = new ConcurrentHashMap<>();
            try (ChildJvm child = ChildJvm.start(CrashPublisher.class, line -> {
                String[] f = line.split(" ");
                if (f[0].equals("ACK")) {
                    acks.put(new Position(Integer.parseInt(f[1]), Long.parseLong(f[2])), f[3]);
                }
            }, dir.toString(), "g" + round)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !acks.isEmpty() || !child.isAlive());
                assertThat(child.isAlive()).as("child alive; stderr:%n%s", child.stderr()).isTrue();
                int killAfterMillis = random.nextInt(400);
                long until = System.nanoTime() + Duration.ofMillis(killAfterMillis).toNanos();
                await().pollInterval(Duration.ofMillis(5)).until(() -> System.nanoTime() >= until);
                child.kill();
            }
            acknowledged.putAll(acks);
            verify(acknowledged, round, seed);
        }
    }

    private void verify(Map<Position, String> acknowledged, int round, long seed) {
        try (Broker broker = EmbeddedBroker.open(dir)) {
            long total = broker.describeTopic(CrashPublisher.TOPIC).eventCount();
            Map<Position, StoredEvent> stored = new HashMap<>();
            try (TopicReader reader = broker.reader(CrashPublisher.TOPIC, StartPosition.EARLIEST)) {
                List<StoredEvent> batch;
                while (!(batch = reader.poll(10_000, Duration.ZERO)).isEmpty()) {
                    batch.forEach(e -> stored.put(e.position(), e));
                }
            }
            assertThat((long) stored.size()).as("round %d (seed %d): every stored event readable", round, seed).isEqualTo(total);
            acknowledged.forEach((position, id) -> {
                StoredEvent e = stored.get(position);
                assertThat(e).as("round %d (seed %d): acknowledged %s %s present", round, seed, position, id).isNotNull();
                assertThat(e.event().id()).as("event at %s", position).isEqualTo(id);
                assertThat(e.event().dataAsString()).startsWith("payload of " + id);
            });
            assertOrderPerPublisher(stored);
            Position next = broker.publish(CrashPublisher.TOPIC,
                    Event.builder().type("after.crash").source("/crash").partitionKey("k-0-0").data("x").build()).join();
            assertThat(next.offset()).isEqualTo(broker.describeTopic(CrashPublisher.TOPIC).partitions().get(next.partition()).endOffset() - 1);
        }
    }

    /** Within a partition, each publisher thread's sequence numbers only rise (ids: generation-thread-sequence). */
    private static void assertOrderPerPublisher(Map<Position, StoredEvent> stored) {
        Map<String, Long> lastSeq = new HashMap<>();
        stored.values().stream().sorted((a, b) -> a.position().compareTo(b.position())).forEach(e -> {
            String[] parts = e.event().id().split("-");
            if (parts.length != 3) {
                return; // an event published by the verifier
            }
            String publisher = e.position().partition() + "/" + parts[0] + "/" + parts[1];
            long seq = Long.parseLong(parts[2]);
            Long previous = lastSeq.put(publisher, seq);
            if (previous != null) {
                assertThat(seq).as("order of %s", publisher).isGreaterThan(previous);
            }
        });
    }
}
