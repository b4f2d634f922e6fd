package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's curl walk-through, run as it is written against a live server (only the address changes). */
class ReadmeServerExampleTest {

    private static final String MARKER = "<!-- server: run against a live server by ReadmeServerExampleTest -->";

    static String snippet() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int marker = readme.indexOf(MARKER);
        assertThat(marker).as("the README holds the server walk-through").isPositive();
        int start = readme.indexOf("```bash\n", marker) + "```bash\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void theCurlWalkThroughWorksAsWritten() throws Exception {
        String script = snippet();
        assertThat(script).contains("H=http://127.0.0.1:7070");
        try (ServerFixture fixture = ServerFixture.embedded(c -> c)) {
            String run = "set -euo pipefail\n" + script.replace("H=http://127.0.0.1:7070", "H=" + fixture.server().url());
            Process bash = new ProcessBuilder("bash", "-c", run).redirectErrorStream(true).start();
            assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.exitValue()).as(output).isZero();
            assertThat(output).doesNotContain("/problems/");

            Http http = fixture.http();
            JsonNode topic = http.get("/topics/orders").json();
            assertThat(topic.path("partitions").asInt()).isEqualTo(4);
            assertThat(topic.path("events").asLong()).isEqualTo(1);
            JsonNode read = http.get("/topics/orders/events?from=earliest").json().path("events").get(0).path("event");
            assertThat(read.path("id").asText()).isEqualTo("order-7");
            assertThat(read.path("partitionkey").asText()).isEqualTo("customer-42");
            assertThat(read.path("data").path("total").asDouble()).isEqualTo(99.5);
            assertThat(output).contains("\"id\":\"order-7\"");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    http.get("/topics/orders/subscriptions/billing").json().path("lag").asLong() == 0);
            assertThat(http.get("/topics/orders/subscriptions/billing").json().path("ordering").asText()).isEqualTo("key");
        }
    }
}
