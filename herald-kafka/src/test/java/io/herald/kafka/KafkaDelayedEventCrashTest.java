package io.herald.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.KafkaConfig;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The promise for delayed events: a process crash loses no event and no schedule. The
 * only forwarder is a child JVM, killed with SIGKILL while it releases (some events produced and
 * not committed, some not produced, the rest held only in its memory); a new process releases
 * every event, in publish order per key, none before its time.
 */
class KafkaDelayedEventCrashTest {

    private static final String TOPIC = "crash";
    private static final int KEYS = 40;
    private static final int ROUNDS = 50;
    /** The forwarder's session: how soon a dead one's partitions move (10 s by default). */
    private static final String SESSION_MS = "3000";

    private static InJvmKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    /** A process that only runs a KafkaBroker, so its forwarder, until it is killed. */
    public static final class ForwarderProcess {
        public static void main(String[] args) throws Exception {
            KafkaBroker broker = KafkaBroker.connect(KafkaConfig.of(args[0]).clientProperty("session.timeout.ms", SESSION_MS));
            System.out.println("READY " + broker.config().bootstrapServers());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void aForwarderKilledWhileReleasingLosesNoDelayedEventAndBreaksNoKeysOrder() throws Exception {
        Process child = startForwarderProcess();
        try {
            Map<String, Instant> dueById = new HashMap<>();
            Map<String, List<String>> publishedByKey = new HashMap<>();
            try (KafkaBroker publisher = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()))) {
                publisher.createTopic(TOPIC, TopicSpec.partitions(4));
                Instant start = Instant.now().plusSeconds(5);
                List<CompletableFuture<Void>> scheduled = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    Instant due = start.plusMillis((round / 2) * 80L); // rounds 2n and 2n+1 are due together
                    List<Event> batch = new ArrayList<>();
                    for (int k = 0; k < KEYS; k++) {
                        String key = "key-" + k;
                        String id = key + "/" + round;
                        batch.add(Event.builder().type("t").source("/s").id(id).partitionKey(key).build());
                        publishedByKey.computeIfAbsent(key, x -> new ArrayList<>()).add(id);
                        dueById.put(id, due);
                    }
                    scheduled.add(publisher.publishAt(TOPIC, batch, due));
                }
                scheduled.forEach(CompletableFuture::join);
            } // the publisher's forwarder leaves: the child is the only one, holding everything
            int total = KEYS * ROUNDS;

            Map<String, List<String>> releasedByKey = new HashMap<>();
            Map<String, Instant> appendTimeById = new HashMap<>();
            int[] records = new int[1];
            try (KafkaConsumer<byte[], byte[]> topic = plainConsumer()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    read(topic, releasedByKey, appendTimeById, records);
                    return records[0] >= total / 4;
                });
                child.destroyForcibly(); // SIGKILL mid-release: no commit, no leave, no hook
                child.waitFor();
                int atKill = appendTimeById.size();
                assertThat(atKill).as("killed while releasing").isLessThan(total);

                try (KafkaBroker survivor = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()))) {
                    await().atMost(Duration.ofSeconds(90)).until(() -> {
                        read(topic, releasedByKey, appendTimeById, records);
                        return appendTimeById.size() >= total;
                    });
                }
            }
            assertThat(appendTimeById).as("every delayed event released").hasSize(total);
            appendTimeById.forEach((id, appended) ->
                    assertThat(appended).as("%s not before it was due", id).isAfterOrEqualTo(dueById.get(id).minusMillis(1)));
            publishedByKey.forEach((key, ids) ->
                    assertThat(new ArrayList<>(new LinkedHashSet<>(releasedByKey.get(key))))
                            .as("key %s in publish order (events due together included)", key).containsExactlyElementsOf(ids));
            System.out.printf("delayed-event crash: %d events, %d records (%d released twice)%n", total, records[0], records[0] - total);
        } finally {
            child.destroyForcibly();
        }
    }

    private static Process startForwarderProcess() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ForwarderProcess.class.getName(), kafka.bootstrapServers());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        ready.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // killed: its output ends here
            }
        });
        assertThat(ready.await(60, TimeUnit.SECONDS)).as("the forwarder process connected").isTrue();
        return process;
    }

    private static KafkaConsumer<byte[], byte[]> plainConsumer() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            partitions.add(new TopicPartition(TOPIC, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static void read(KafkaConsumer<byte[], byte[]> consumer, Map<String, List<String>> byKey, Map<String, Instant> appendTimeById,
                             int[] records) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            Header idHeader = r.headers().lastHeader("ce_id");
            String id = new String(idHeader.value(), StandardCharsets.UTF_8);
            byKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(id);
            appendTimeById.putIfAbsent(id, Instant.ofEpochMilli(r.timestamp()));
            records[0]++;
        }
    }
}
