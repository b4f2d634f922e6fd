package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.KafkaConfig;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.kafka.topic.InternalTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delayed events on Kafka beyond the contract: the process holding them stops and another
 * releases them all, in publish order per key; what one forwarder released is not released again
 * by the next; a topic's deletion takes its delay topic with it.
 */
class KafkaDelayedEventTest {

    private static InJvmKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private static KafkaBroker connect() {
        return KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
    }

    @Test
    void aBrokerThatDoesNotReleaseDelayedEventsLeavesThemToOneThatDoes() {
        try (KafkaBroker publisher = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()).releasesDelayedEvents(false))) {
            publisher.createTopic("left-to-others", TopicSpec.partitions(1));
            // due after the topic exists: a due time already past when publishAt runs (a slow
            // createTopic on a loaded machine) means now, and the event would go straight in
            Instant due = Instant.now().plusMillis(500);
            publisher.publishAt("left-to-others", Event.builder().type("t").source("/s").id("later").build(), due).join();
            assertThat(Instant.now()).as("publishAt returned before the due time").isBefore(due);
            try (TopicReader reader = publisher.reader("left-to-others", StartPosition.EARLIEST)) {
                // long past its due time, no broker that releases is open: it waits in the delay topic
                assertThat(reader.poll(1, Duration.ofSeconds(2))).isEmpty();
                assertThat(Instant.now()).isAfter(due.plusSeconds(1));
                try (KafkaBroker releaser = connect()) {
                    List<StoredEvent> got = new ArrayList<>();
                    await().atMost(Duration.ofSeconds(30)).until(() -> got.addAll(reader.poll(1, Duration.ofMillis(200))));
                    assertThat(got).extracting(e -> e.event().id()).containsExactly("later");
                }
            }
        }
    }

    @Test
    void whenTheProcessHoldingDelayedEventsStopsAnotherReleasesThemAllInPublishOrderPerKey() {
        KafkaBroker first = connect();
        KafkaBroker second = connect();
        try {
            first.createTopic("handover", TopicSpec.partitions(3));
            Instant due = Instant.now().plusSeconds(4);
            Map<String, List<String>> publishedByKey = new LinkedHashMap<>();
            List<CompletableFuture<Void>> scheduled = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                List<Event> batch = new ArrayList<>();
                for (int k = 0; k < 6; k++) {
                    String key = "key-" + k;
                    String id = key + "/" + round;
                    batch.add(Event.builder().type("t").source("/s").id(id).partitionKey(key).build());
                    publishedByKey.computeIfAbsent(key, x -> new ArrayList<>()).add(id);
                }
                scheduled.add(first.publishAt("handover", batch, due)); // 20 calls, all due together
            }
            scheduled.forEach(CompletableFuture::join);
            assertThat(first.describeTopic("handover").eventCount()).as("nothing before it is due").isZero();
            first.close(); // before the events are due: what it read is only in its memory, uncommitted

            Map<String, List<String>> releasedByKey = new HashMap<>();
            try (TopicReader reader = second.reader("handover", StartPosition.EARLIEST)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (StoredEvent e : reader.poll(200, Duration.ofMillis(200))) {
                        assertThat(e.appendTime()).as("not before it is due").isAfterOrEqualTo(due.minusMillis(1));
                        releasedByKey.computeIfAbsent(e.event().partitionKey().orElseThrow(), x -> new ArrayList<>()).add(e.event().id());
                    }
                    return releasedByKey.values().stream().mapToInt(List::size).sum() >= 120;
                });
            }
            publishedByKey.forEach((key, ids) ->
                    assertThat(new ArrayList<>(new LinkedHashSet<>(releasedByKey.get(key))))
                            .as("key %s: every event, in publish order", key).containsExactlyElementsOf(ids));
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aForwarderTakingOverDoesNotReleaseAgainWhatWasReleasedBehindAnEventNotDueYet() throws Exception {
        KafkaBroker first = connect();
        try {
            first.createTopic("behind", TopicSpec.partitions(1));
            first.publishAt("behind", event("far"), Instant.now().plus(Duration.ofHours(1))).join();
            first.publishAt("behind", List.of(event("soon-0"), event("soon-1"), event("soon-2")), Instant.now().plusMillis(300)).join();
            try (TopicReader reader = first.reader("behind", StartPosition.EARLIEST)) {
                assertThat(readIds(reader, 3)).containsExactly("soon-0", "soon-1", "soon-2");
            }
            // the delay partition's commit cannot pass "far" (offset 0): its metadata says that offsets 1 to 3 went
            await().atMost(Duration.ofSeconds(30)).until(() -> committedMetadata(InternalTopics.delay("behind")).equals("r1:1+2"));
        } finally {
            first.close();
        }
        try (KafkaBroker second = connect()) {
            second.publishAt("behind", event("after-handover"), Instant.now().plusMillis(300)).join();
            try (TopicReader reader = second.reader("behind", StartPosition.EARLIEST)) {
                // the new owner reads the three before "after-handover": had it released them again, they would come first
                assertThat(readIds(reader, 4)).containsExactly("soon-0", "soon-1", "soon-2", "after-handover");
                assertThat(reader.poll(10, Duration.ofMillis(300))).isEmpty();
            }
        }
    }

    @Test
    void deletingATopicDeletesItsDelayTopicAndTheEventsNotDueYet() throws Exception {
        try (KafkaBroker broker = connect(); Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            broker.createTopic("gone", TopicSpec.partitions(2));
            broker.publishAt("gone", event("late"), Instant.now().plusSeconds(3)).join();
            assertThat(topicNames(admin)).contains(InternalTopics.delay("gone"));
            assertThat(broker.listTopics()).extracting(t -> t.name()).as("a delay topic is never listed").doesNotContain(InternalTopics.delay("gone"));

            broker.deleteTopic("gone");
            assertThat(topicNames(admin)).doesNotContain(InternalTopics.delay("gone"));
            broker.createTopic("gone", TopicSpec.partitions(2));
            broker.publishAfter("gone", event("new"), Duration.ofMillis(3500)).join();
            try (TopicReader reader = broker.reader("gone", StartPosition.EARLIEST)) {
                assertThat(readIds(reader, 1)).as("the old topic's pending event went with it").containsExactly("new");
            }
        }
    }

    @Test
    void morePendingEventsThanAForwarderHoldsAreAllReleasedInOrder() {
        // 60,000 due together on one partition: more than the forwarder holds of a partition
        // (50,000), so it stops reading, releases, and reads on
        int total = 60_000;
        try (KafkaBroker broker = connect()) {
            broker.createTopic("many", TopicSpec.partitions(1));
            Instant due = Instant.now().plusSeconds(10);
            List<CompletableFuture<Void>> scheduled = new ArrayList<>();
            for (int call = 0; call < total / 1000; call++) {
                List<Event> batch = new ArrayList<>();
                for (int i = call * 1000; i < (call + 1) * 1000; i++) {
                    batch.add(Event.builder().type("t").source("/s").id(Integer.toString(i)).partitionKey("k" + (i % 10)).build());
                }
                scheduled.add(broker.publishAt("many", batch, due));
            }
            scheduled.forEach(CompletableFuture::join);
            assertThat(Instant.now()).as("all were pending together").isBefore(due);
            List<Integer> released = new ArrayList<>();
            try (TopicReader reader = broker.reader("many", StartPosition.EARLIEST)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    reader.poll(5000, Duration.ofMillis(200)).forEach(e -> released.add(Integer.parseInt(e.event().id())));
                    return released.size() >= total;
                });
            }
            assertThat(new ArrayList<>(new LinkedHashSet<>(released))).as("every event once, in publish order")
                    .hasSize(total).isSorted();
        }
    }

    private static Event event(String id) {
        return Event.builder().type("t").source("/s").id(id).build();
    }

    private static List<String> readIds(TopicReader reader, int count) {
        List<String> ids = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            reader.poll(count - ids.size(), Duration.ofMillis(100)).forEach(e -> ids.add(e.event().id()));
            return ids.size() >= count;
        });
        return ids;
    }

    private static Set<String> topicNames(Admin admin) throws Exception {
        return admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    }

    private static String committedMetadata(String delayTopic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var offsets = admin.listConsumerGroupOffsets("__herald.delayer").partitionsToOffsetAndMetadata().get();
            var committed = offsets.get(new org.apache.kafka.common.TopicPartition(delayTopic, 0));
            return committed == null ? "" : committed.metadata();
        }
    }
}
