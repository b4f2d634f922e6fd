package io.herald.client;

import io.herald.testkit.BadInputContract;
import io.herald.testkit.BrokerFixture;
import io.herald.testkit.ConsumerGroupContract;
import io.herald.testkit.DeadLetterContract;
import io.herald.testkit.DelayedEventContract;
import io.herald.testkit.FilterContract;
import io.herald.testkit.PublishContract;
import io.herald.testkit.ReliableDeliveryContract;
import io.herald.testkit.ReplayContract;
import io.herald.testkit.TopicAdminContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker conformance contracts, run on a {@link RemoteBroker} on a server (embedded backend,
 * a fresh directory per test). Some tests assume the consumer is itself a member of the
 * subscription's group in process — its share of the partitions, its commits, its exception seen
 * by the retry policy — where over HTTP the server's own member stands between; those few are
 * skipped by {@link InProcessOnly}, which says why for each. (The retention contract passes too,
 * but takes a minute and a half and tests nothing of the client's; it is not run here.)
 */
@ExtendWith(InProcessOnly.class)
class RemoteBrokerConformanceTest {

    @Nested
    class TopicAdmin extends TopicAdminContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class Publish extends PublishContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class Replay extends ReplayContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class BadInput extends BadInputContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class DelayedEvents extends DelayedEventContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class Filters extends FilterContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class DeadLetters extends DeadLetterContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class ReliableDelivery extends ReliableDeliveryContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }

    @Nested
    class ConsumerGroups extends ConsumerGroupContract {
        @Override
        protected BrokerFixture newFixture() throws Exception {
            return ServerOnTempDirectory.start();
        }
    }
}
