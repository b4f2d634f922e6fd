package io.herald.server;

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
}
