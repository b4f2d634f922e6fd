package io.herald.server.webhook;

import io.herald.Herald;
import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.kafka.InJvmKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Webhooks on a real Kafka 4.4 broker started once in this JVM. Every test shares the cluster,
 * and so the registry's topic: a restart, or another server, is another broker client on it.
 */
class KafkaWebhookTest extends WebhookContract {

    private static InJvmKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Override
    protected Broker openBroker() {
        return Herald.kafka(KafkaConfig.of(kafka.bootstrapServers()));
    }

    @Override
    protected Broker reopenBroker() {
        return openBroker();
    }

    @Override
    protected Broker peerBroker() {
        return openBroker();
    }
}
