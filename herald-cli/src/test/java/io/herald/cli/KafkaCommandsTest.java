package io.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.Herald;
import io.herald.KafkaConfig;
import io.herald.broker.Broker;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.RejectException;
import io.herald.broker.StartPosition;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.event.CloudEventsJson;
import io.herald.event.Event;
import io.herald.kafka.InJvmKafka;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same commands on a Kafka cluster: {@code herald --kafka HOST:PORT ...} against a real broker in this JVM. */
class KafkaCommandsTest {

    private static InJvmKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private static Cli.Result herald(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--kafka";
        all[args.length + 1] = kafka.bootstrapServers();
        return Cli.execute(stdin, Map.of(), all);
    }

    @Test
    void topicsArePublishedToAndReadOnTheCluster() throws Exception {
        assertThat(herald("", "topics", "create", "orders", "--partitions", "2").exitCode()).isZero();
        var published = herald("{\"n\":1}\n{\"n\":2}\n\"three\"\n", "publish", "orders", "--key", "k", "--type", "order.placed", "-q");
        assertThat(published.exitCode()).as(published.toString()).isZero();

        var list = herald("", "topics", "list");
        var read = herald("", "read", "orders");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("orders");
        assertThat(read.exitCode()).as(read.toString()).isZero();
        assertThat(read.outLines()).extracting(l -> CloudEventsJson.parse(l).dataAsString()).containsExactly("{\"n\":1}", "{\"n\":2}", "\"three\"");
    }

    @Test
    void deadLettersOnTheClusterAreListedAndPurged() throws Exception {
        try (Broker broker = Herald.kafka(KafkaConfig.of(kafka.bootstrapServers()))) {
            broker.createTopic("payments", io.herald.broker.TopicSpec.partitions(1));
            for (int i = 0; i < 3; i++) {
                broker.publish("payments", Event.builder().type("payment.requested").source("/shop").data("p" + i).build()).join();
            }
            try (Subscriber ignored = broker.subscribe("payments", "charger", SubscriptionSpec.defaults().startAt(StartPosition.EARLIEST),
                    d -> {
                        throw new RejectException("card declined");
                    })) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> broker.deadLetters("payments", "charger").count(DeadLetterSelector.all()) == 3);
            }
        }

        var listed = herald("", "dlq", "list", "payments", "charger");
        var groups = herald("", "groups", "list", "payments");
        var purged = herald("", "dlq", "purge", "payments", "charger", "--all");

        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.outLines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("card declined"));
        assertThat(groups.out()).contains("charger");
        assertThat(purged.exitCode()).as(purged.toString()).isZero();
        assertThat(purged.out()).isEqualTo("purged 3 dead letters of subscription 'charger' on topic 'payments'\n");
        assertThat(herald("", "dlq", "list", "payments", "charger").out()).isEmpty();
    }
}
