package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.Herald;
import io.herald.broker.Broker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A stop lets requests in flight finish (a long poll ends early with what it has), refuses new
 * ones, commits what was acknowledged, and releases the data directory.
 */
class ShutdownTest {

    @Test
    void aStopEndsLongPollsEarlyAndReleasesTheDataDirectory() throws Exception {
        ServerFixture fixture = ServerFixture.embedded(c -> c.withShutdownGrace(Duration.ofSeconds(10)));
        try {
            Http http = fixture.http();
            assertThat(http.postJson("/topics", "{\"name\": \"orders\"}").status()).isEqualTo(201);
            assertThat(http.putJson("/topics/orders/subscriptions/billing", "{\"ordering\": \"key\", \"start\": \"earliest\"}").status())
                    .isEqualTo(201);
            assertThat(Files.exists(fixture.dataDirectory().resolve(ServerFile.NAME))).isTrue();
            CompletableFuture<Http.Answer> longPoll = CompletableFuture.supplyAsync(() ->
                    http.post("/topics/orders/subscriptions/billing/receive?wait=20s", null));
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server().state() == HeraldServer.State.RUNNING
                    && !longPoll.isDone());

            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> fixture.server().close());

            Http.Answer answer = longPoll.get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.status()).as("the long poll ends early, answered").isEqualTo(200);
            assertThat(answer.json().path("deliveries")).isEmpty();
            stop.get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(fixture.server().state()).isEqualTo(HeraldServer.State.CLOSED);
            assertThat(Files.exists(fixture.dataDirectory().resolve(ServerFile.NAME))).as("server.json removed").isFalse();
            try (Broker reopened = Herald.embedded(fixture.dataDirectory())) {
                assertThat(reopened.describeSubscription("orders", "billing").spec().ordering().name()).isEqualTo("KEY");
            }
        } finally {
            fixture.close();
        }
    }

    @Test
    void aRequestInFlightFinishesWhileNewOnesAreRefused() throws Exception {
        try (ServerFixture fixture = ServerFixture.embedded(c -> c.withShutdownGrace(Duration.ofSeconds(20)))) {
            Http http = fixture.http();
            java.net.URI url = fixture.server().url();
            String body = "{\"name\": \"created-while-stopping\"}";
            try (java.net.Socket slow = new java.net.Socket(url.getHost(), url.getPort())) {
                // a create whose body is still coming when the stop begins
                var out = slow.getOutputStream();
                out.write(("POST /topics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body.substring(0, 5)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server().requestsInFlight() == 1);

                CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> fixture.server().close());
                await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server().state() == HeraldServer.State.DRAINING);

                Http.Answer refused = http.get("/topics");
                assertThat(refused.status()).as("%s", refused).isEqualTo(503);
                assertThat(refused.json().path("type").asText()).isEqualTo("/problems/shutting-down");
                assertThat(refused.header("retry-after")).isEqualTo("1");
                assertThat(stop).isNotDone();

                out.write(body.substring(5).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                String answer = new String(slow.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).as("the request in flight finished").startsWith("HTTP/1.1 201");
                stop.get(20, java.util.concurrent.TimeUnit.SECONDS);
            }
            try (Broker reopened = Herald.embedded(fixture.dataDirectory())) {
                assertThat(reopened.describeTopic("created-while-stopping").name()).isEqualTo("created-while-stopping");
            }
        }
    }
}
