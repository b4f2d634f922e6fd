package io.herald.kafka.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.broker.spi.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/**
 * The backend picks partitions with the API's {@link KeyPartitioner}; this proves it is the rule
 * of Kafka's own default partitioner, so records keyed by Herald land where any Kafka producer
 * would put them.
 */
class KeyPartitionerMatchesKafkaTest {

    @Test
    void everyKeyGoesWhereKafkasDefaultPartitionerSendsIt() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder key = new StringBuilder();
            int length = random.nextInt(0, 40);
            for (int c = 0; c < length; c++) {
                key.append((char) random.nextInt(0x20, i % 3 == 0 ? 0x2FFF : 0x7F));
            }
            int partitions = random.nextInt(1, 300);
            String k = key.toString();
            assertThat(KeyPartitioner.partition(k, partitions))
                    .as("key '%s' over %d partitions", k, partitions)
                    .isEqualTo(BuiltInPartitioner.partitionForKey(k.getBytes(StandardCharsets.UTF_8), partitions));
        }
    }
}
