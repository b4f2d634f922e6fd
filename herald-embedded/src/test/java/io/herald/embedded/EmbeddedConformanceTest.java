package io.herald.embedded;

import io.herald.testkit.BadInputContract;
import io.herald.testkit.FilterContract;
import io.herald.testkit.DelayedEventContract;
import io.herald.testkit.DeadLetterContract;
import io.herald.testkit.ReliableDeliveryContract;
import io.herald.testkit.BrokerFixture;
import io.herald.testkit.ConsumerGroupContract;
import io.herald.testkit.PublishContract;
import io.herald.testkit.ReplayContract;
import io.herald.testkit.RetentionContract;
import io.herald.testkit.TopicAdminContract;
import org.junit.jupiter.api.Nested;

/** The whole conformance suite against the embedded backend. */
class EmbeddedConformanceTest {

    @Nested
    class TopicAdmin extends TopicAdminContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class Publish extends PublishContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class ConsumerGroups extends ConsumerGroupContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class Replay extends ReplayContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class Retention extends RetentionContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class BadInput extends BadInputContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class ReliableDelivery extends ReliableDeliveryContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class DeadLetters extends DeadLetterContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class DelayedEvents extends DelayedEventContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }

    @Nested
    class Filters extends FilterContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return new EmbeddedFixture();
        }
    }
}
