package io.herald.kafka;

import io.herald.broker.Broker;
import io.herald.testkit.BrokerFixture;

/**
 * A fresh {@link KafkaBroker} connection to the shared in-JVM cluster. The suite's unique topic
 * names keep tests apart on one cluster; a restart is a new connection (the storage, Kafka, stays).
 */
final class KafkaFixture implements BrokerFixture {

    private final String bootstrap;
    private KafkaBroker broker;

    KafkaFixture(String bootstrap) {
        this.bootstrap = bootstrap;
        this.broker = KafkaBroker.connect(KafkaConfig.of(bootstrap));
    }

    @Override
    public Broker broker() {
        return broker;
    }

    @Override
    public Broker restart() {
        broker.close();
        broker = KafkaBroker.connect(KafkaConfig.of(bootstrap));
        return broker;
    }

    @Override
    public void close() {
        broker.close();
    }
}
