package io.herald.server;

import io.herald.kafka.InJvmKafka;
import io.herald.server.config.ServerConfig;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** Every API contract on a real Kafka 4.4 broker started once in this JVM. */
class KafkaApiTest {

    private static InJvmKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    static ServerFixture fixture(UnaryOperator<ServerConfig> customize) {
        return ServerFixture.kafka(kafka, customize);
    }

    @Nested
    class Topics extends TopicApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }

    @Nested
    class Publish extends PublishApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }

    @Nested
    class Read extends ReadApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }

    @Nested
    class Subscriptions extends SubscriptionApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }

    @Nested
    class Deliveries extends DeliveryApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }

    @Nested
    class DeadLetters extends DeadLetterApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }

    @Nested
    class Metrics extends MetricsApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }

    @Nested
    class Webhooks extends io.herald.server.webhook.WebhookApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) {
            return fixture(customize);
        }
    }
}
