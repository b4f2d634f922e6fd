package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /metrics}: the Prometheus text format with publish, delivery, verdict and per-subscription meters. */
public abstract class MetricsApiContract extends ApiContract {

    /** The value of the first sample of {@code metric} whose labels include all of {@code labels}. */
    static Optional<Double> sample(String scrape, String metric, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            String found = m.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }

    private String scrape() {
        Http.Answer a = http.get("/metrics");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("content-type")).startsWith("text/plain");
        return a.text();
    }

    @Test
    void publishingDeliveringAndSettlingAreCountedPerTopicAndSubscription() {
        String topic = createTopic(2);
        String sub = "/topics/" + topic + "/subscriptions/meter";
        assertThat(http.putJson(sub, "{\"ordering\": \"none\", \"start\": \"earliest\"}").status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            publish(topic, event("e-" + i, "test.event", "{}"));
        }
        List<String> receipts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            http.post(sub + "/receive?max=3&wait=2s", null).json().path("deliveries")
                    .forEach(d -> receipts.add("\"" + d.path("receipt").asText() + "\""));
            return receipts.size() >= 3;
        });
        assertThat(http.postJson(sub + "/ack", "{\"receipts\": [" + receipts.get(0) + ", " + receipts.get(1) + "]}").status()).isEqualTo(200);
        assertThat(http.postJson(sub + "/reject", "{\"receipts\": [" + receipts.get(2) + "]}").status()).isEqualTo(200);

        String t = "topic=\"" + topic + "\"";
        String s = "subscription=\"meter\"";
        String scrape = scrape();
        assertThat(sample(scrape, "herald_published_events_total", t)).contains(3.0);
        assertThat(sample(scrape, "herald_publish_latency_seconds_count", t)).contains(3.0);
        assertThat(sample(scrape, "herald_delivered_total", t, s)).contains(3.0);
        assertThat(sample(scrape, "herald_delivery_latency_seconds_count", t, s)).contains(3.0);
        assertThat(sample(scrape, "herald_settled_total", t, s, "verdict=\"ack\"")).contains(2.0);
        assertThat(sample(scrape, "herald_settled_total", t, s, "verdict=\"reject\"")).contains(1.0);
        assertThat(sample(scrape, "herald_http_requests_seconds_count", "route=\"/topics/{topic}/events\"", "status=\"200\"")).isPresent();

        // the per-subscription gauges come from the sampler, and the cursor passes the rejected
        // event only once its dead letter is written: wait for a sample that shows both
        String[] later = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            later[0] = scrape();
            return sample(later[0], "herald_subscription_dead_lettered", t, s).orElse(0.0) == 1.0
                    && sample(later[0], "herald_subscription_lag_events", t, s).orElse(-1.0) == 0.0;
        });
        assertThat(sample(later[0], "herald_subscription_lag_seconds", t, s)).contains(0.0);
        assertThat(sample(later[0], "herald_subscription_leased", t, s)).isPresent();
    }

    @Test
    void lagIsMeasuredInEventsAndInSecondsOfTheOldestPendingEvent() {
        String topic = createTopic(1);
        String sub = "/topics/" + topic + "/subscriptions/slow";
        assertThat(http.putJson(sub, "{\"start\": \"earliest\"}").status()).isEqualTo(201);
        publish(topic, event("old", "test.event", "{}"));
        publish(topic, event("new", "test.event", "{}"));

        String t = "topic=\"" + topic + "\"";
        await().atMost(Duration.ofSeconds(40)).until(() -> {
            String scrape = scrape();
            return sample(scrape, "herald_subscription_lag_events", t).orElse(0.0) == 2.0
                    && sample(scrape, "herald_subscription_lag_seconds", t).orElse(0.0) >= 1.0;
        });
    }

    @Test
    void anErrorAnswerIsCountedWithItsStatus() {
        assertProblem(http.get("/topics/no-such-topic"), 404, "topic-not-found");
        assertThat(sample(scrape(), "herald_http_requests_seconds_count", "route=\"/topics/{topic}\"", "status=\"404\"")).contains(1.0);
    }
}
