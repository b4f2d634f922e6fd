package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic delete is crash-safe (issue 10 item 5): a child creates, fills and deletes topics (half of
 * them with names of the longest length) until it is killed with {@code kill -9} at a random
 * moment. After each kill the directory opens with every topic either whole (defined, its
 * directory there, every event readable) or gone (no definition, no directory, no tombstone), a
 * topic whose delete returned is gone, and a topic that is there can be deleted and its name
 * created again. Half of {@code -Dherald.crash.rounds} rounds (10 by default, 500 with {@code -Pcrash-soak}).
 */
class TopicDeleteCrashIT {

    @TempDir
    Path dir;

    @Test
    void aDeleteKilledAnywhereCompletesOrLeavesTheTopicWhole() throws Exception {
        int rounds = Math.max(1, Integer.getInteger("herald.crash.rounds", 20) / 2);
        long seed = Long.getLong("herald.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        long next = 0;
        for (int round = 0; round < rounds; round++) {
            Set<String> created = ConcurrentHashMap.newKeySet();
            Set<String> deleted = ConcurrentHashMap.newKeySet();
            try (ChildJvm child = ChildJvm.start(CrashTopicChurner.class, line -> {
                String[] f = line.split(" ");
                if (f[0].equals("CREATED")) {
                    created.add(f[1]);
                } else if (f[0].equals("DELETED")) {
                    deleted.add(f[1]);
                }
            }, dir.toString(), Long.toString(next))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !deleted.isEmpty() || !child.isAlive());
                assertThat(child.isAlive()).as("child alive; stderr:%n%s", child.stderr()).isTrue();
                long until = System.nanoTime() + Duration.ofMillis(random.nextInt(300)).toNanos();
                await().pollInterval(Duration.ofMillis(5)).until(() -> System.nanoTime() >= until);
                child.kill();
            }
            next += 10_000;
            verify(created, deleted, round, seed);
        }
    }

    private void verify(Set<String> created, Set<String> deleted, int round, long seed) throws Exception {
        String where = "round " + round + " (seed " + seed + ")";
        try (Broker broker = EmbeddedBroker.open(dir)) {
            Set<String> topics = broker.listTopics().stream().map(TopicInfo::name).collect(Collectors.toSet());
            assertThat(topics).as("%s: a topic whose delete returned is gone", where).doesNotContainAnyElementsOf(deleted);
            try (Stream<Path> dirs = Files.list(dir.resolve("topics"))) {
                assertThat(dirs.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                        .as("%s: a directory for every topic and nothing else (no orphan, no tombstone)", where)
                        .isEqualTo(topics);
            }
            for (String topic : topics) {
                long count = broker.describeTopic(topic).eventCount();
                long read = 0;
                try (TopicReader reader = broker.reader(topic, StartPosition.EARLIEST)) {
                    List<StoredEvent> batch;
                    while (!(batch = reader.poll(1000, Duration.ZERO)).isEmpty()) {
                        read += batch.size();
                    }
                }
                assertThat(read).as("%s: %s whole", where, topic).isEqualTo(count);
                if (created.contains(topic)) {
                    assertThat(count).as("%s: %s kept its acknowledged events", where, topic).isEqualTo(CrashTopicChurner.EVENTS);
                }
                broker.deleteTopic(topic);
                broker.createTopic(topic, TopicSpec.partitions(1));
                assertThat(broker.describeTopic(topic).eventCount()).as("%s: %s created again, empty", where, topic).isZero();
                broker.deleteTopic(topic);
            }
        }
    }
}
