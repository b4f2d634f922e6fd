package io.herald.kafka;

import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.testkit.BrokerFixture;

/**
 * A fresh {@link KafkaBroker} connection to the shared in-JVM cluster; the suite's unique topic
 * names keep tests apart on one cluster. A restart closes the connection, stops and starts the
 * Kafka broker itself on its log directory (the storage), and connects again: what the suite
 * says survives a restart must survive Kafka's.
 */
final class KafkaFixture implements BrokerFixture {

    private final InJvmKafka kafka;
    private KafkaBroker broker;

    KafkaFixture(InJvmKafka kafka) {
        this.kafka = kafka;
        this.broker = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
    }

    @Override
    public Broker broker() {
        return broker;
    }

    @Override
    public Broker restart() throws Exception {
        broker.close();
        kafka.restart();
        broker = KafkaBroker.connect(KafkaConfig.of(kafka.bootstrapServers()));
        return broker;
    }

    /** Kafka refuses segment.bytes below 1 MiB. */
    @Override
    public long smallSegmentBytes() {
        return 1024 * 1024;
    }

    @Override
    public void close() {
        broker.close();
    }
}
