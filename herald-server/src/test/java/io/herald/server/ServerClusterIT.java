package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.KafkaConfig;
import io.herald.kafka.InJvmKafka;
import io.herald.server.config.ServerConfig;
import io.herald.testkit.ChildJvm;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several servers, one Kafka cluster: a receipt handed out by one is settled through another
 * (forwarded to the lease holder), and a server killed with SIGKILL in the middle of its leases
 * loses nothing but those leases — every event still ends acked, through the server that is left.
 */
class ServerClusterIT {

    private static final String SECRET = "cluster-secret-for-the-test-0123456789";
    private static InJvmKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    private static ServerConfig clustered() {
        return ServerConfig.embedded(java.nio.file.Path.of("unused")).withPort(0)
                .withBackend(KafkaConfig.of(kafka.bootstrapServers()))
                .withCluster(new ServerConfig.Cluster(Optional.empty(), Optional.of(SECRET)));
    }

    private static ChildJvm child(CompletableFuture<URI> url) throws Exception {
        return ChildJvm.start(ServerChild.class, line -> {
            if (line.startsWith(ServerChild.READY)) {
                url.complete(URI.create(line.substring(ServerChild.READY.length()).trim()));
            }
        }, "kafka=" + kafka.bootstrapServers(), "cluster.secret=" + SECRET);
    }

    private static List<JsonNode> receive(Http server, String sub, int max) {
        Http.Answer a = server.post(sub + "/receive?max=" + max + "&wait=2s", null);
        assertThat(a.status()).as("%s", a).isEqualTo(200);
        List<JsonNode> got = new ArrayList<>();
        a.json().path("deliveries").forEach(got::add);
        return got;
    }

    private static String receipts(List<JsonNode> deliveries) {
        return "{\"receipts\": [" + String.join(",", deliveries.stream().map(d -> "\"" + d.path("receipt").asText() + "\"").toList()) + "]}";
    }

    @Test
    void aReceiptIsSettledThroughAnyServerAndAKilledServerLosesOnlyItsLeases() throws Exception {
        CompletableFuture<URI> childUrl = new CompletableFuture<>();
        try (HeraldServer b = HeraldServer.start(clustered()); ChildJvm processA = child(childUrl)) {
            Http httpB = new Http(b.url());
            Http httpA = new Http(childUrl.get(60, TimeUnit.SECONDS));
            String topic = "orders-cluster";
            assertThat(httpB.postJson("/topics", "{\"name\": \"" + topic + "\", \"partitions\": 4}").status()).isEqualTo(201);
            String sub = "/topics/" + topic + "/subscriptions/billing";
            assertThat(httpB.putJson(sub, "{\"ordering\": \"key\", \"start\": \"earliest\", \"sessionTimeout\": \"2s\", "
                    + "\"lease\": \"20s\", \"retry\": {\"maxAttempts\": 10, \"initialBackoff\": \"100ms\", \"maxBackoff\": \"1s\"}}")
                    .status()).isEqualTo(201);
            Set<String> published = new HashSet<>();
            for (int i = 0; i < 120; i++) {
                Http via = i % 2 == 0 ? httpA : httpB;
                String id = "order-" + i;
                Http.Answer p = via.post("/topics/" + topic + "/events", "{\"specversion\": \"1.0\", \"id\": \"" + id
                        + "\", \"source\": \"/shop\", \"type\": \"order.placed\", \"partitionkey\": \"customer-" + (i % 17)
                        + "\", \"data\": {\"n\": " + i + "}}", "Content-Type", "application/cloudevents+json");
                assertThat(p.status()).as("%s", p).isEqualTo(200);
                published.add(id);
            }

            // both servers join the group; each hands out the events of its partitions
            Set<String> acked = new HashSet<>();
            List<JsonNode> fromA = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                fromA.addAll(receive(httpA, sub, 5));
                return !fromA.isEmpty();
            });
            // settled through B: forwarded to A, which holds the leases
            Http.Answer forwarded = httpB.postJson(sub + "/ack", receipts(fromA));
            assertThat(forwarded.status()).as("%s", forwarded).isEqualTo(200);
            assertThat(forwarded.json().path("results")).hasSize(fromA.size())
                    .allSatisfy(r -> assertThat(r.path("outcome").asText()).isEqualTo("acked"));
            fromA.forEach(d -> acked.add(d.path("event").path("id").asText()));

            // A hands out more, then dies with the leases
            List<JsonNode> held = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                held.addAll(receive(httpA, sub, 10));
                return !held.isEmpty();
            });
            processA.kill();
            JsonNode lost = httpB.postJson(sub + "/ack", receipts(held)).json();
            assertThat(lost.path("type").asText()).isEqualTo("/problems/lease-lost");
            assertThat(lost.path("status").asInt()).isEqualTo(410);

            // B takes A's partitions over and delivers everything not yet acked, the held ones again
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                List<JsonNode> got = receive(httpB, sub, 50);
                if (!got.isEmpty()) {
                    Http.Answer ack = httpB.postJson(sub + "/ack", receipts(got));
                    assertThat(ack.status()).as("%s", ack).isEqualTo(200);
                    got.forEach(d -> acked.add(d.path("event").path("id").asText()));
                }
                return acked.containsAll(published);
            });
            assertThat(acked).isEqualTo(published);
            assertThat(held).allSatisfy(d -> assertThat(acked).contains(d.path("event").path("id").asText()));
            await().atMost(Duration.ofSeconds(30)).until(() -> httpB.get(sub).json().path("lag").asLong() == 0);
            assertThat(httpB.get(sub + "/dead-letters/count").json().path("count").asLong()).isZero();
        }
    }
}
