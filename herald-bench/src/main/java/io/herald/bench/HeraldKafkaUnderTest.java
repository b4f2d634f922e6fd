package io.herald.bench;

import io.herald.KafkaConfig;
import io.herald.broker.Ordering;
import io.herald.kafka.KafkaBroker;
import java.time.Duration;

/**
 * Herald's Kafka backend ({@link KafkaBroker}, herald-kafka) on the same Kafka broker as
 * {@link KafkaUnderTest}: the Broker API over kafka-clients, measured against those clients used
 * directly. Its results go to the Herald column of the {@code kafka-backend} rows.
 *
 * <p>Its producer gets the raw producer's settings through client properties ({@code linger.ms}
 * {@value #LINGER_MS}, {@value KafkaUnderTest#BATCH_SIZE}-byte batches, no compression; Herald
 * itself sets acks=all and idempotence), so that the comparison is of the two code paths, not of
 * two producer tunings. Herald has one producer per broker connection: the {@code linger} a
 * workload asks of {@link #publisher} is that one.
 */
final class HeraldKafkaUnderTest extends BrokerApiUnderTest {

    static final long LINGER_MS = 5;

    private final KafkaBroker broker;

    HeraldKafkaUnderTest(String bootstrapServers, Duration lease) {
        this(KafkaBroker.connect(KafkaConfig.of(bootstrapServers)
                .clientProperty("linger.ms", Long.toString(LINGER_MS))
                .clientProperty("batch.size", Integer.toString(KafkaUnderTest.BATCH_SIZE))
                .clientProperty("compression.type", "none")), lease);
    }

    private HeraldKafkaUnderTest(KafkaBroker broker, Duration lease) {
        super(broker, lease);
        this.broker = broker;
    }

    @Override
    public String name() {
        return "Herald on Kafka";
    }

    @Override
    public String column() {
        return "Herald";
    }

    @Override
    public String ackedShape(Ordering ordering, String consumers) {
        return ordering == Ordering.PARTITION
                ? consumers + " push subscribers of one subscription (a consumer group of " + consumers + " KafkaConsumers)"
                : "1 push subscriber, concurrency " + consumers;
    }

    @Override
    public void close() {
        broker.close();
    }
}
