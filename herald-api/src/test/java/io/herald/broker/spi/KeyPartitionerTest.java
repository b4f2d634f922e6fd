package io.herald.broker.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.TopicSpec;
import io.herald.broker.spi.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Herald must put a key in the same partition as Kafka's default partitioner, so that a topic keeps
 * its key-to-partition mapping when an application moves from the embedded backend to Kafka. The
 * reference is Kafka's own code ({@code kafka-clients}, test scope only).
 */
class KeyPartitionerTest {

    /** The vectors of Kafka's own {@code UtilsTest.testMurmur2}. */
    @ParameterizedTest
    @CsvSource({
        "21, -973932308",
        "foobar, -790332482",
        "a-little-bit-long-string, -985981536",
        "a-little-bit-longer-string, -1486304829",
        "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8, -58897971",
        "abc, 479470107"})
    void murmur2MatchesKafkasPublishedTestVectors(String key, int hash) {
        assertThat(KeyPartitioner.murmur2(key.getBytes(StandardCharsets.US_ASCII))).isEqualTo(hash);
    }

    @Property(tries = 2000)
    void murmur2EqualsKafkasForAnyBytes(@ForAll @Size(max = 200) byte[] bytes) {
        assertThat(KeyPartitioner.murmur2(bytes)).isEqualTo(Utils.murmur2(bytes));
    }

    @Property(tries = 5000)
    void anyKeyGoesToThePartitionKafkaWouldChoose(@ForAll("keys") String key,
                                                  @ForAll @IntRange(min = 1, max = TopicSpec.MAX_PARTITIONS) int partitions) {
        int kafka = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;

        assertThat(KeyPartitioner.partition(key, partitions)).isEqualTo(kafka);
    }

    @Property(tries = 1000)
    void aKeyAlwaysLandsInsideTheTopic(@ForAll("keys") String key,
                                       @ForAll @IntRange(min = 1, max = TopicSpec.MAX_PARTITIONS) int partitions) {
        assertThat(KeyPartitioner.partition(key, partitions)).isBetween(0, partitions - 1);
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "3", "8", "12", "100", "4096"})
    void keysWhoseHashIsNegativeAreMappedLikeKafka(int partitions) {
        // "21" hashes to a negative int: the sign bit is cleared, not the absolute value taken
        byte[] key = "21".getBytes(StandardCharsets.UTF_8);

        assertThat(KeyPartitioner.partition("21", partitions))
                .isEqualTo(Utils.toPositive(Utils.murmur2(key)) % partitions)
                .isEqualTo((-973932308 & 0x7fffffff) % partitions);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars("-_:.").ofMaxLength(40),
                Arbitraries.strings().ofMaxLength(30), // any chars, lone surrogates included
                Arbitraries.create(() -> UUID.randomUUID().toString()),
                Arbitraries.longs().map(String::valueOf));
    }
}
