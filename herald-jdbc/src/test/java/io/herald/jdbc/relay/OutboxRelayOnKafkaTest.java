package io.herald.jdbc.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.Herald;
import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.jdbc.TestPostgres;
import io.herald.jdbc.outbox.Outbox;
import io.herald.kafka.InJvmKafka;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The relay needs nothing but the Broker API: the same relay, on Herald's Kafka backend and a real Kafka broker. */
class OutboxRelayOnKafkaTest {

    private static DataSource ds;
    private static InJvmKafka kafka;
    private static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        ds = TestPostgres.newMigratedDatabase();
        kafka = InJvmKafka.start();
        broker = Herald.kafka(KafkaConfig.of(kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
        kafka.close();
    }

    @Test
    void committedEventsReachKafkaInCommitOrderPerKeyAndRolledBackOnesNever() throws Exception {
        broker.createTopic("orders", TopicSpec.partitions(3));
        Outbox outbox = Outbox.create();
        Map<String, List<String>> committedByKey = new LinkedHashMap<>();
        for (int tx = 0; tx < 4; tx++) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                List<Event> written = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    Event e = Event.builder().type("order.placed").source("/shop").partitionKey("customer-" + (i % 5))
                            .json("{\"tx\": " + tx + ", \"n\": " + i + "}").build();
                    outbox.publish(c, "orders", e);
                    written.add(e);
                }
                if (tx == 2) {
                    c.rollback(); // never happened: must never be published
                } else {
                    c.commit();
                    written.forEach(e -> committedByKey.computeIfAbsent(e.partitionKey().orElseThrow(), k -> new ArrayList<>()).add(e.id()));
                }
            }
        }

        Map<String, List<String>> publishedByKey = new LinkedHashMap<>();
        RelayConfig fast = RelayConfig.defaults().withPollInterval(Duration.ofMillis(200));
        try (OutboxRelay relay = OutboxRelay.start(ds, broker, fast);
             TopicReader reader = broker.reader("orders", StartPosition.EARLIEST)) {
            List<StoredEvent> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                got.addAll(reader.poll(100, Duration.ofMillis(100)));
                return got.size() >= 30 && relay.stats().pending() == 0;
            });
            assertThat(reader.poll(100, Duration.ofMillis(500))).as("nothing beyond the committed 30").isEmpty();
            got.forEach(s -> publishedByKey.computeIfAbsent(s.event().partitionKey().orElseThrow(), k -> new ArrayList<>()).add(s.event().id()));
        }
        assertThat(publishedByKey).isEqualTo(committedByKey);
    }
}
