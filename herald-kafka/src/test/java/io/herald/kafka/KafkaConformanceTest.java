package io.herald.kafka;

import io.herald.testkit.BadInputContract;
import io.herald.testkit.BrokerFixture;
import io.herald.testkit.ConsumerGroupContract;
import io.herald.testkit.DeadLetterContract;
import io.herald.testkit.DelayedEventContract;
import io.herald.testkit.FilterContract;
import io.herald.testkit.PublishContract;
import io.herald.testkit.ReliableDeliveryContract;
import io.herald.testkit.ReplayContract;
import io.herald.testkit.RetentionContract;
import io.herald.testkit.TopicAdminContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The conformance contracts against a real Kafka 4.4 broker started once in this JVM for all of
 * them, the reliable-delivery ones included: every ordering with leases, retries that survive a
 * restart, dead letters, parked keys and their redrive, and filters.
 *
 * <p>Two contracts needed an API decision to hold on Kafka: an ephemeral topic promises that its
 * events may be lost, not that a restart empties it ({@code PublishContract}); retention tests use
 * the backend's smallest segment, 1 MiB on Kafka ({@code RetentionContract}).
 */
class KafkaConformanceTest {

    private static InJvmKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    static BrokerFixture fixture() {
        return new KafkaFixture(kafka);
    }

    @Nested
    class TopicAdmin extends TopicAdminContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class ConsumerGroups extends ConsumerGroupContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class Replay extends ReplayContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class Publish extends PublishContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class Retention extends RetentionContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class BadInput extends BadInputContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class DelayedEvents extends DelayedEventContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class ReliableDelivery extends ReliableDeliveryContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class Filters extends FilterContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }

    @Nested
    class DeadLetters extends DeadLetterContract {
        @Override
        protected BrokerFixture newFixture() {
            return fixture();
        }
    }
}
