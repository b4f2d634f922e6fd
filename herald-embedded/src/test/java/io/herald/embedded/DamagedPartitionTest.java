package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.Delivery;
import io.herald.broker.Ordering;
import io.herald.broker.PullSubscriber;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The independent tester's damaged data directories, on the embedded broker: a flipped byte or a
 * cut in an old segment of one partition costs exactly the damaged range. Nothing is deleted,
 * everything before the damage and every other partition is read, and readers and consumers of
 * the damaged partition stop at it instead of skipping it.
 */
class DamagedPartitionTest {

    private static final int EVENTS = 300;

    @TempDir
    Path dir;

    private void publish() {
        try (Broker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic("orders", TopicSpec.partitions(2).segmentBytes(1024));
            for (int i = 0; i < EVENTS; i++) {
                broker.publish("orders", Event.builder().type("order.placed").source("/test").partitionKey("k" + i).data("order-" + i).build())
                        .join();
            }
        }
    }

    private List<Path> segments(int partition) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("topics/orders/" + partition))) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    private Map<Path, Long> sizes() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("topics"))) {
            return files.filter(p -> p.toString().endsWith(".log")).collect(Collectors.toMap(p -> p, p -> p.toFile().length()));
        }
    }

    /** The offsets read of each partition, by a reader from the earliest. */
    private static Map<Integer, List<Long>> readAll(Broker broker) {
        Map<Integer, List<Long>> read = new TreeMap<>();
        try (TopicReader reader = broker.reader("orders", StartPosition.EARLIEST)) {
            List<StoredEvent> batch;
            while (!(batch = reader.poll(1000, Duration.ZERO)).isEmpty()) {
                batch.forEach(e -> read.computeIfAbsent(e.position().partition(), p -> new ArrayList<>()).add(e.position().offset()));
            }
        }
        return read;
    }

    private static List<Long> upTo(long end) {
        List<Long> offsets = new ArrayList<>();
        for (long o = 0; o < end; o++) {
            offsets.add(o);
        }
        return offsets;
    }

    @Test
    void anOldSegmentCutToHalfLosesOnlyItsOwnTailAndTheReadDeletesNothing() throws IOException {
        publish();
        Map<Integer, Long> ends = new TreeMap<>();
        try (Broker broker = EmbeddedBroker.open(dir)) {
            readAll(broker).forEach((p, offsets) -> ends.put(p, (long) offsets.size()));
        }
        List<Path> zero = segments(0);
        assertThat(zero).hasSizeGreaterThan(2);
        Path cut = zero.get(1);
        long damagedFrom;
        try (RandomAccessFile raf = new RandomAccessFile(cut.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        Map<Path, Long> sizes = sizes();
        try (Broker broker = EmbeddedBroker.open(dir)) {
            Map<Integer, List<Long>> read = readAll(broker);
            assertThat(read.get(1)).as("the other partition, whole").isEqualTo(upTo(ends.get(1)));
            List<Long> zeroRead = read.get(0);
            damagedFrom = zeroRead.size();
            assertThat(zeroRead).as("partition 0 up to the damage, nothing after it").isEqualTo(upTo(damagedFrom));
            assertThat(damagedFrom).isGreaterThan(Long.parseLong(cut.getFileName().toString().replace(".log", "")) - 1)
                    .isLessThan(Long.parseLong(zero.get(2).getFileName().toString().replace(".log", "")));
        }
        try (Broker broker = EmbeddedBroker.open(dir)) {
            assertThat(readAll(broker).get(0)).as("a second open reads the same: nothing was repaired away").hasSize((int) damagedFrom);
        }
        sizes.forEach((file, size) -> assertThat(file).as("kept as it was").exists().hasSize(size));
    }

    @Test
    void aConsumerOfTheDamagedPartitionStopsAtTheDamageWhileTheOtherPartitionIsConsumed() throws IOException {
        publish();
        Path damaged = segments(0).get(1);
        Files.delete(damaged.resolveSibling(damaged.getFileName().toString().replace(".log", ".index")));
        try (RandomAccessFile raf = new RandomAccessFile(damaged.toFile(), "rw")) {
            raf.seek(100);
            int b = raf.read();
            raf.seek(100);
            raf.write(b ^ 0xFF);
        }
        try (Broker broker = EmbeddedBroker.open(dir)) {
            Map<Integer, List<Long>> expected = readAll(broker);
            Map<Integer, List<Long>> consumed = new TreeMap<>();
            try (PullSubscriber sub = broker.pullSubscriber("orders", "audit", SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (Delivery d : sub.poll(500, Duration.ofMillis(50))) {
                        consumed.computeIfAbsent(d.position().partition(), p -> new ArrayList<>()).add(d.position().offset());
                        d.ack();
                    }
                    return consumed.values().stream().mapToInt(List::size).sum() == expected.values().stream().mapToInt(List::size).sum();
                });
                assertThat(sub.poll(500, Duration.ofMillis(200))).as("nothing past the damage").isEmpty();
            }
            consumed.values().forEach(list -> list.sort(Long::compare));
            assertThat(consumed).isEqualTo(expected);
            assertThat(expected.get(0)).isEqualTo(upTo(expected.get(0).size()));
            var info = broker.describeSubscription("orders", "audit");
            assertThat(info.lag()).as("the damaged range and what follows it wait")
                    .isEqualTo(EVENTS - consumed.values().stream().mapToInt(List::size).sum());
            assertThat(info.cursors().get(0).damage()).as("the subscription shows why partition 0 stops").hasValueSatisfying(why ->
                    assertThat(why).contains(damaged.getFileName().toString(), "offsets " + expected.get(0).size() + " to ", "crc mismatch"));
            assertThat(info.cursors().get(1).damage()).isEmpty();
        }
    }
}
