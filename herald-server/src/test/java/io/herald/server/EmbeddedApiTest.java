package io.herald.server;

import io.herald.server.config.ServerConfig;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;

/** Every API contract on the embedded backend: a fresh data directory per test. */
class EmbeddedApiTest {

    @Nested
    class Topics extends TopicApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }

    @Nested
    class Publish extends PublishApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }

    @Nested
    class Read extends ReadApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }

    @Nested
    class Subscriptions extends SubscriptionApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }

    @Nested
    class Deliveries extends DeliveryApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }

    @Nested
    class DeadLetters extends DeadLetterApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }

    @Nested
    class Metrics extends MetricsApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }

    @Nested
    class Webhooks extends io.herald.server.webhook.WebhookApiContract {
        @Override
        protected ServerFixture newFixture(UnaryOperator<ServerConfig> customize) throws Exception {
            return ServerFixture.embedded(customize);
        }
    }
}
