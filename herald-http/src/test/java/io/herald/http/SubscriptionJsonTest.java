package io.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.KeyAfterDeadLetter;
import io.herald.broker.Ordering;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A describe answer read back by a client is the subscription the server described, start and filter text included. */
class SubscriptionJsonTest {

    private static SubscriptionInfo info(SubscriptionSpec spec) {
        return new SubscriptionInfo("orders", "billing", spec, List.of("m-1"),
                List.of(new SubscriptionInfo.PartitionCursor(0, 3, 7, Optional.of("m-1")),
                        new SubscriptionInfo.PartitionCursor(1, 0, 9, Optional.empty(),
                                Optional.of("00000000000000000105.log at byte 180, offsets 114 to 116: crc mismatch"))),
                new SubscriptionInfo.Stats(1, 2, 3, 4, 0));
    }

    private static SubscriptionInfo roundTrip(SubscriptionInfo info) {
        byte[] answer = Json.write(SubscriptionJson.write(info, Optional.empty()));
        return SubscriptionJson.read(Json.treeKeepingRaw(answer, Set.of("filter")));
    }

    @Test
    void aDescribeReadBackIsTheSubscriptionDescribed() {
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY)
                .startAt(StartPosition.at(Instant.parse("2026-11-22T10:15:30Z")))
                .filter("{\"type\": [\"order.placed\"],\n  \"data\": {\"total\": [{\"numeric\": [\">=\", 100]}]}}")
                .retry(RetryPolicy.maxAttempts(3).backoff(Duration.ofMillis(250), 1.5, Duration.ofSeconds(30))
                        .permanent(IllegalStateException.class))
                .deadLetterTopic("audit-dead").leaseDuration(Duration.ofSeconds(45)).concurrency(4)
                .keyAfterDeadLetter(KeyAfterDeadLetter.PARK);

        SubscriptionInfo read = roundTrip(info(spec));

        assertThat(read).isEqualTo(info(spec));
        assertThat(read.spec().filter()).as("the pattern as its owner wrote it").isEqualTo(spec.filter());
    }

    @Test
    void theStartAndTheDefaultsSurviveToo() {
        for (StartPosition start : List.of(StartPosition.EARLIEST, StartPosition.LATEST, StartPosition.offset(12),
                StartPosition.offsets(Map.of(0, 3L, 2, 9L)))) {
            // a describe names the dead-letter topic, the default one too (as a broker's describe does)
            SubscriptionSpec spec = SubscriptionSpec.defaults().startAt(start).deadLetterTopic("orders.billing.dlq");
            assertThat(roundTrip(info(spec)).spec()).as("start %s", start).isEqualTo(spec);
        }
    }

    @Test
    void anOrdinaryTreeStillSeesTheFilterAsAnObject() {
        SubscriptionInfo info = info(SubscriptionSpec.defaults().filter("{\"type\": [\"a\"]}"));
        JsonNode tree = Json.tree(Json.write(SubscriptionJson.write(info, Optional.empty())));

        assertThat(tree.path("filter").path("type").get(0).asText()).isEqualTo("a");
        assertThat(SubscriptionJson.read(tree).spec().filter()).contains("{\"type\":[\"a\"]}");
    }

    @Test
    void treeKeepingRawKeepsOnlyTheNamedMembersAsTheirText() {
        String json = "{\"list\": [{\"filter\": {\"a\" : [1, 2.5, true, null]}, \"n\": 12345678901, \"s\": \"x\"},"
                + " {\"filter\": \"already text\"}, {\"filter\": [ 1 ]}], \"filter\": {}}";

        JsonNode tree = Json.treeKeepingRaw(json.getBytes(StandardCharsets.UTF_8), Set.of("filter"));

        assertThat(Json.raw(tree.path("list").get(0).path("filter"))).contains("{\"a\" : [1, 2.5, true, null]}");
        assertThat(tree.path("list").get(0).path("n").longValue()).isEqualTo(12345678901L);
        assertThat(tree.path("list").get(0).path("s").textValue()).isEqualTo("x");
        assertThat(Json.raw(tree.path("list").get(1).path("filter"))).isEmpty();
        assertThat(tree.path("list").get(1).path("filter").textValue()).isEqualTo("already text");
        assertThat(Json.raw(tree.path("list").get(2).path("filter"))).contains("[ 1 ]");
        assertThat(Json.raw(tree.path("filter"))).contains("{}");
        assertThat(new String(Json.write(tree), StandardCharsets.UTF_8)).as("written back verbatim")
                .contains("\"filter\":{\"a\" : [1, 2.5, true, null]}");
        assertThatThrownBy(() -> Json.treeKeepingRaw("{} []".getBytes(StandardCharsets.UTF_8), Set.of("filter")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.treeKeepingRaw("{\"a\": ".getBytes(StandardCharsets.UTF_8), Set.of("filter")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
