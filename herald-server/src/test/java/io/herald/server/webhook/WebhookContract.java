package io.herald.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Ordering;
import io.herald.broker.RedriveTarget;
import io.herald.broker.RetryAfterException;
import io.herald.broker.RetryPolicy;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.http.WebhookConfig;
import io.herald.server.webhook.Sink.Received;
import io.herald.server.webhook.Sink.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Webhook delivery end to end: a broker, {@link Webhooks} on it, and a {@link Sink} that answers
 * as each test scripts. Run on every backend ({@code EmbeddedWebhookTest}, {@code KafkaWebhookTest}).
 * Time bounds are lower bounds taken from the sink's arrival times (the server's own clock); waits
 * are for positive signals.
 */
abstract class WebhookContract {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final RetryPolicy QUICK = RetryPolicy.maxAttempts(3).backoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(200));
    private static final long MS = 1_000_000;

    protected Broker broker;
    protected Webhooks webhooks;
    protected SimpleMeterRegistry metrics;
    protected Sink sink;
    private final List<String> topics = new ArrayList<>();
    private final List<AutoCloseable> others = new ArrayList<>();
    private String testName;

    /** A broker for one test: fresh storage, or the shared cluster. */
    protected abstract Broker openBroker() throws Exception;

    /** The same storage again after {@code broker} was closed: a restarted server. */
    protected abstract Broker reopenBroker() throws Exception;

    /** The broker another server of the same deployment uses (on the embedded backend: the same one). */
    protected abstract Broker peerBroker() throws Exception;

    @BeforeEach
    void open(TestInfo info) throws Exception {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
        broker = openBroker();
        metrics = new SimpleMeterRegistry();
        webhooks = Webhooks.start(broker, metrics, Clock.systemUTC());
        sink = Sink.start();
    }

    @AfterEach
    void close() throws Exception {
        // a shared cluster's registry outlives the test: leave it without this test's webhooks
        if (webhooks.state() == Webhooks.State.RUNNING) {
            topics.forEach(webhooks::removeTopic);
        }
        webhooks.close();
        for (AutoCloseable c : others.reversed()) {
            c.close();
        }
        broker.close();
        sink.close();
    }

    private String newTopic() {
        String base = testName.length() > 40 ? testName.substring(0, 40) : testName;
        String name = "wh-" + base + "-" + COUNTER.incrementAndGet();
        broker.createTopic(name, TopicSpec.partitions(1));
        topics.add(name);
        return name;
    }

    private static Event event(String id) {
        return Event.builder().id(id).source("/shop").type("order.placed").subject("order/" + id)
                .json("{\"order\": \"" + id + "\", \"total\": 12.5}").extension("tenant", "acmé \"corp\"").build();
    }

    private void publish(String topic, Event e) {
        broker.publish(topic, e).join();
    }

    private static WebhookConfig config(URI url) {
        return WebhookConfig.of(url).withTimeout(Duration.ofSeconds(5));
    }

    private double count(String topic, String subscription, String outcome) {
        var c = metrics.find(WebhookMetrics.DELIVERIES).tags("topic", topic, "subscription", subscription, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private List<DeadLetter> deadLetters(String topic, String subscription, int n) {
        DeadLetterQueue dlq = broker.deadLetters(topic, subscription);
        await().atMost(Duration.ofSeconds(60)).until(() -> dlq.count(DeadLetterSelector.all()) >= n);
        return dlq.list(DeadLetterSelector.all(), 100);
    }

    // ---- delivery

    @Test
    void deliversTheEventInBinaryModeSignedTheStandardWebhooksWay() {
        String topic = newTopic();
        Webhooks.Stored stored = webhooks.put(topic, "billing", SubscriptionSpec.defaults(),
                config(sink.url("/hooks")).withHeaders(Map.of("X-Api-Key", "k-123")));
        Event e = event("o-1");

        publish(topic, e);

        Received call = sink.awaitCalls("/hooks", 1).getFirst();
        assertThat(stored.secretGenerated()).isTrue();
        String secret = stored.config().secret().orElseThrow().value();
        String id = StandardWebhooksVerifier.verify(secret, call.headers(), call.body(), Instant.now());
        assertThat(id).isEqualTo(WebhookSignature.messageId(topic, "billing", e));
        assertThat(call.bodyText()).isEqualTo("{\"order\": \"o-1\", \"total\": 12.5}");
        assertThat(call.header("content-type")).isEqualTo("application/json");
        assertThat(call.header("ce-specversion")).isEqualTo("1.0");
        assertThat(call.header("ce-id")).isEqualTo("o-1");
        assertThat(call.header("ce-source")).isEqualTo("/shop");
        assertThat(call.header("ce-type")).isEqualTo("order.placed");
        assertThat(call.header("ce-subject")).isEqualTo("order/o-1");
        assertThat(call.header("ce-tenant")).as("percent-encoded, binding 3.1.3.2").isEqualTo("acm%C3%A9%20%22corp%22");
        assertThat(call.header("x-api-key")).isEqualTo("k-123");
        assertThat(call.header("user-agent")).isEqualTo(WebhookHandler.USER_AGENT);
        await().untilAsserted(() -> assertThat(count(topic, "billing", WebhookMetrics.DELIVERED)).isEqualTo(1));
        assertThat(metrics.find(WebhookMetrics.LATENCY).tags("topic", topic, "subscription", "billing").timer().count()).isEqualTo(1);
        assertThat(broker.deadLetters(topic, "billing").count(DeadLetterSelector.all())).isZero();
    }

    @Test
    void aServerErrorIsRetriedByThePolicyThenDeadLetteredWithTheStatusAndBody() {
        String topic = newTopic();
        sink.script("/hooks", Reply.status(500).body("{\"error\": \"database\n down\"}"));
        Webhooks.Stored stored = webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(QUICK), config(sink.url("/hooks")));

        publish(topic, event("o-1"));

        DeadLetter dead = deadLetters(topic, "billing", 1).getFirst();
        List<Received> calls = sink.calls("/hooks");
        assertThat(calls).hasSize(3);
        assertThat(calls).extracting(c -> c.header("webhook-id")).containsOnly(calls.getFirst().header("webhook-id"));
        calls.forEach(c -> StandardWebhooksVerifier.verify(stored.config().secret().orElseThrow().value(), c.headers(), c.body(),
                Instant.now()));
        assertThat(calls).extracting(Received::arrivedNanos).isSorted();
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.reason()).contains("3 of 3 attempts");
        assertThat(dead.errorClass()).contains(WebhookCallException.class.getName());
        assertThat(dead.errorMessage().orElseThrow())
                .isEqualTo("POST " + sink.url("/hooks") + " answered HTTP 500: {\"error\": \"database down\"}");
        assertThat(count(topic, "billing", WebhookMetrics.RETRIED)).isEqualTo(3);
        assertThat(count(topic, "billing", WebhookMetrics.DELIVERED)).isZero();
    }

    @Test
    void retryAfterIsHonouredBeforeTheNextAttempt() {
        String topic = newTopic();
        sink.script("/hooks", Reply.status(200), Reply.status(429).header("Retry-After", "1").body("slow down"));
        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(QUICK), config(sink.url("/hooks")));

        publish(topic, event("o-1"));

        List<Received> calls = sink.awaitCalls("/hooks", 2);
        await().untilAsserted(() -> assertThat(count(topic, "billing", WebhookMetrics.DELIVERED)).isEqualTo(1));
        // the failure is recorded after the answer, and the next attempt is due 1 s later (1 ms for the broker's clock)
        assertThat(calls.get(1).arrivedNanos() - calls.get(0).answeredNanos()).isGreaterThanOrEqualTo(999 * MS);
        assertThat(calls.get(1).header("webhook-id")).isEqualTo(calls.get(0).header("webhook-id"));
        assertThat(count(topic, "billing", WebhookMetrics.RETRIED)).isEqualTo(1);
    }

    @Test
    void aRetryAfterAnswerToTheLastAttemptIsDeadLetteredWithIt() {
        String topic = newTopic();
        sink.script("/hooks", Reply.status(503).header("Retry-After", "0").body("maintenance"));
        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(QUICK.withMaxAttempts(2)), config(sink.url("/hooks")));

        publish(topic, event("o-1"));

        DeadLetter dead = deadLetters(topic, "billing", 1).getFirst();
        assertThat(dead.errorClass()).contains(RetryAfterException.class.getName());
        assertThat(dead.errorMessage().orElseThrow()).endsWith("answered HTTP 503 (Retry-After 0 s): maintenance");
    }

    @Test
    void aClientErrorDeadLettersAtOnceWithTheStatusAndBody() {
        String topic = newTopic();
        sink.script("/hooks", Reply.status(200), Reply.status(422).body("amount is missing"));
        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(RetryPolicy.maxAttempts(5)), config(sink.url("/hooks")));

        publish(topic, event("o-1"));
        DeadLetter dead = deadLetters(topic, "billing", 1).getFirst();
        publish(topic, event("o-2"));
        sink.awaitCalls("/hooks", 2);

        assertThat(dead.event().id()).isEqualTo("o-1");
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.reason()).isEqualTo("POST " + sink.url("/hooks") + " answered HTTP 422: amount is missing");
        assertThat(sink.calls("/hooks")).extracting(c -> c.header("ce-id")).containsExactly("o-1", "o-2");
        await().untilAsserted(() -> assertThat(count(topic, "billing", WebhookMetrics.DELIVERED)).isEqualTo(1));
        assertThat(count(topic, "billing", WebhookMetrics.REJECTED)).isEqualTo(1);
    }

    @Test
    void aCallThatTimesOutIsRetried() {
        String topic = newTopic();
        sink.script("/hooks", Reply.status(200), Reply.status(200).after(Duration.ofSeconds(20)));
        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(QUICK),
                config(sink.url("/hooks")).withTimeout(Duration.ofMillis(300)));

        publish(topic, event("o-1"));

        List<Received> calls = sink.awaitCalls("/hooks", 2);
        await().untilAsserted(() -> assertThat(count(topic, "billing", WebhookMetrics.DELIVERED)).isEqualTo(1));
        assertThat(calls.get(1).arrivedNanos() - calls.get(0).arrivedNanos()).isGreaterThanOrEqualTo(300 * MS);
        assertThat(count(topic, "billing", WebhookMetrics.TIMEOUT)).isEqualTo(1);
        assertThat(broker.deadLetters(topic, "billing").count(DeadLetterSelector.all())).isZero();
    }

    @Test
    void anUnreachableDestinationIsRetriedThenDeadLettered() throws Exception {
        String topic = newTopic();
        URI closed;
        try (Sink gone = Sink.start()) {
            closed = gone.url("/hooks");
        }
        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(QUICK.withMaxAttempts(2)), config(closed));

        publish(topic, event("o-1"));

        DeadLetter dead = deadLetters(topic, "billing", 1).getFirst();
        assertThat(dead.errorMessage().orElseThrow()).startsWith("POST " + closed + " could not be reached: ");
        assertThat(count(topic, "billing", WebhookMetrics.UNREACHABLE)).isEqualTo(2);
    }

    @Test
    void theRateLimitSpacesTheCalls() {
        String topic = newTopic();
        int n = 11;
        double rate = 5;
        webhooks.put(topic, "billing", SubscriptionSpec.ordering(Ordering.NONE).concurrency(8),
                config(sink.url("/hooks")).withRatePerSecond(rate));
        long before = System.nanoTime();

        for (int i = 0; i < n; i++) {
            publish(topic, event("o-" + i));
        }

        List<Received> calls = sink.awaitCalls("/hooks", n);
        long last = calls.stream().mapToLong(Received::arrivedNanos).max().orElseThrow();
        // the first slot comes no sooner than the first publish; each next one 1/rate later
        assertThat(last - before).isGreaterThanOrEqualTo((long) ((n - 1) / rate * 1000) * MS);
        assertThat(calls).extracting(c -> c.header("ce-id")).doesNotHaveDuplicates();
    }

    @Test
    void theCircuitBreakerOfADestinationOpensProbesAndCloses() {
        String a = newTopic();
        String b = newTopic();
        Duration openFor = Duration.ofSeconds(3);
        WebhookConfig.Breaker breaker = new WebhookConfig.Breaker(3, openFor);
        RetryPolicy retry = RetryPolicy.maxAttempts(4).backoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(40));
        sink.script("/a", Reply.status(200), Reply.status(500), Reply.status(500), Reply.status(500));
        // two webhooks on one destination (same host and port): they share its breaker
        webhooks.put(a, "billing", SubscriptionSpec.defaults().retry(retry), config(sink.url("/a")).withCircuitBreaker(breaker));
        webhooks.put(b, "audit", SubscriptionSpec.defaults().retry(retry), config(sink.url("/b")).withCircuitBreaker(breaker));

        publish(a, event("a-1"));
        Received third = sink.awaitCalls("/a", 3).get(2);
        publish(b, event("b-1"));
        sink.awaitCalls("/a", 4);
        sink.awaitCalls("/b", 1);

        List<Received> afterOpening = sink.calls().stream().filter(c -> c.arrivedNanos() > third.arrivedNanos())
                .sorted(Comparator.comparingLong(Received::arrivedNanos)).toList();
        assertThat(afterOpening).hasSize(2);
        assertThat(afterOpening.getFirst().arrivedNanos() - third.arrivedNanos())
                .as("no call while open").isGreaterThanOrEqualTo(openFor.toNanos());
        assertThat(afterOpening.get(1).arrivedNanos())
                .as("one probe: the other call waits for its answer").isGreaterThan(afterOpening.getFirst().answeredNanos());
        await().untilAsserted(() -> assertThat(count(a, "billing", WebhookMetrics.DELIVERED)).isEqualTo(1));
        await().untilAsserted(() -> assertThat(count(b, "audit", WebhookMetrics.DELIVERED)).isEqualTo(1));
        assertThat(count(a, "billing", WebhookMetrics.CIRCUIT_OPEN) + count(b, "audit", WebhookMetrics.CIRCUIT_OPEN)).isGreaterThanOrEqualTo(1);
        // waiting cost no attempt: the fourth and last attempt was the probe, and it succeeded
        assertThat(broker.deadLetters(a, "billing").count(DeadLetterSelector.all())).isZero();

        double openBefore = count(a, "billing", WebhookMetrics.CIRCUIT_OPEN);
        publish(a, event("a-2"));
        sink.awaitCalls("/a", 5);
        await().untilAsserted(() -> assertThat(count(a, "billing", WebhookMetrics.DELIVERED)).isEqualTo(2));
        assertThat(count(a, "billing", WebhookMetrics.CIRCUIT_OPEN)).as("closed again").isEqualTo(openBefore);
    }

    @Test
    void redrivenDeadLettersAreDeliveredOnceTheDestinationTakesThem() {
        String topic = newTopic();
        sink.script("/hooks", Reply.status(410).body("gone for now"));
        webhooks.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/hooks")));
        publish(topic, event("o-1"));
        publish(topic, event("o-2"));
        List<DeadLetter> dead = deadLetters(topic, "billing", 2);
        // (the order within the dead-letter topic is the backend's: on Kafka it may differ from the original order)
        assertThat(dead).extracting(d -> d.event().id()).containsExactlyInAnyOrder("o-1", "o-2");
        assertThat(dead).allSatisfy(d -> assertThat(d.reason()).endsWith("answered HTTP 410: gone for now"));
        Map<String, String> messageIds = new java.util.HashMap<>();
        sink.calls("/hooks").forEach(c -> messageIds.put(c.header("ce-id"), c.header("webhook-id")));

        sink.script("/hooks", Reply.status(204));
        long redriven = broker.deadLetters(topic, "billing").redrive(DeadLetterSelector.all(), RedriveTarget.subscription(),
                DeadLetterQueue.Progress.NONE);

        assertThat(redriven).isEqualTo(2);
        List<Received> again = sink.awaitCalls("/hooks", 4).subList(2, 4);
        assertThat(again).extracting(c -> c.header("ce-id")).as("in dead-letter order")
                .containsExactlyElementsOf(dead.stream().map(d -> d.event().id()).toList());
        assertThat(again).allSatisfy(c -> assertThat(c.header("webhook-id")).as("the same message id")
                .isEqualTo(messageIds.get(c.header("ce-id"))));
        await().untilAsserted(() -> assertThat(count(topic, "billing", WebhookMetrics.DELIVERED)).isEqualTo(2));
        assertThat(broker.deadLetters(topic, "billing").count(DeadLetterSelector.all())).isZero();
    }

    // ---- the registry

    @Test
    void aWebhookSurvivesARestartAndKeepsItsSecret() throws Exception {
        String topic = newTopic();
        Webhooks.Stored stored = webhooks.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/hooks")));

        webhooks.close();
        broker.close();
        broker = reopenBroker();
        webhooks = Webhooks.start(broker, metrics, Clock.systemUTC());

        assertThat(webhooks.get(topic, "billing")).contains(stored.config());
        publish(topic, event("o-1"));
        Received call = sink.awaitCalls("/hooks", 1).getFirst();
        StandardWebhooksVerifier.verify(stored.config().secret().orElseThrow().value(), call.headers(), call.body(), Instant.now());
    }

    @Test
    void aChangeMadeThroughAnotherServerTakesEffectHere() throws Exception {
        String topic = newTopic();
        Broker peer = peerBroker();
        if (peer != broker) {
            others.add(peer);
        }
        Webhooks there = Webhooks.start(peer, new SimpleMeterRegistry(), Clock.systemUTC());
        others.add(there);

        Webhooks.Stored stored = there.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/a")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(webhooks.get(topic, "billing")).contains(stored.config()));
        await().untilAsserted(() -> assertThat(webhooks.list()).singleElement().satisfies(w -> assertThat(w.running()).isTrue()));

        there.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/b")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(webhooks.get(topic, "billing").map(WebhookConfig::url)).contains(sink.url("/b")));
        assertThat(webhooks.get(topic, "billing").flatMap(WebhookConfig::secret)).as("kept").isEqualTo(stored.config().secret());
        publish(topic, event("o-1"));
        sink.awaitCalls("/b", 1);

        there.remove(topic, "billing");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(webhooks.get(topic, "billing")).isEmpty());
        assertThat(webhooks.list()).isEmpty();
        assertThat(sink.calls("/a")).isEmpty();
    }

    @Test
    void aSecretIsGeneratedOnceAndKeptWhenAChangeGivesNone() {
        String topic = newTopic();
        Webhooks.Stored first = webhooks.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/a")));
        Webhooks.Stored second = webhooks.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/a")).withTimeout(Duration.ofSeconds(2)));
        WebhookConfig.Secret given = WebhookConfig.Secret.generate(new java.security.SecureRandom());
        Webhooks.Stored third = webhooks.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/a")).withSecret(given));

        assertThat(first.secretGenerated()).isTrue();
        assertThat(second.secretGenerated()).isFalse();
        assertThat(second.config().secret()).isEqualTo(first.config().secret());
        assertThat(second.config().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(third.secretGenerated()).isFalse();
        assertThat(third.config().secret()).contains(given);
    }

    @Test
    void puttingWhatIsThereWritesNothing() {
        String topic = newTopic();
        webhooks.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/a")));
        long end = broker.describeTopic(Webhooks.TOPIC).partitions().getFirst().endOffset();

        WebhookConfig current = webhooks.get(topic, "billing").orElseThrow();
        webhooks.put(topic, "billing", SubscriptionSpec.defaults(), current);

        assertThat(broker.describeTopic(Webhooks.TOPIC).partitions().getFirst().endOffset()).isEqualTo(end);
    }

    @Test
    void aSubscriptionTheBrokerRefusesIsNotStored() {
        assertThatThrownBy(() -> webhooks.put("no-such-topic-" + COUNTER.incrementAndGet(), "billing", SubscriptionSpec.defaults(),
                config(sink.url("/a")))).isInstanceOf(TopicNotFoundException.class);
        assertThatThrownBy(() -> webhooks.put(Webhooks.TOPIC, "leak", SubscriptionSpec.defaults(), config(sink.url("/a"))))
                .hasMessageContaining("secrets");

        assertThat(webhooks.list()).isEmpty();
    }

    @Test
    void aChangedSpecRestartsThePusherAndRemoveStopsIt() {
        String topic = newTopic();
        webhooks.put(topic, "billing", SubscriptionSpec.defaults(), config(sink.url("/a")));
        publish(topic, event("o-1"));
        sink.awaitCalls("/a", 1);

        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(QUICK), config(sink.url("/b")));
        publish(topic, event("o-2"));
        sink.awaitCalls("/b", 1);
        assertThat(webhooks.remove(topic, "billing")).isTrue();
        assertThat(webhooks.remove(topic, "billing")).isFalse();
        publish(topic, event("o-3"));
        // o-3 waits in the subscription: a webhook put again delivers it, and only there
        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(QUICK), config(sink.url("/c")));
        sink.awaitCalls("/c", 1);

        assertThat(sink.calls("/a")).extracting(c -> c.header("ce-id")).containsExactly("o-1");
        assertThat(sink.calls("/b")).extracting(c -> c.header("ce-id")).containsExactly("o-2");
        assertThat(sink.calls("/c")).extracting(c -> c.header("ce-id")).containsExactly("o-3");
    }

    @Test
    void closingEndsDeliveriesWaitingForAnOpenBreakerWithoutACall() throws Exception {
        String topic = newTopic();
        sink.script("/a", Reply.status(500));
        webhooks.put(topic, "billing", SubscriptionSpec.defaults().retry(RetryPolicy.maxAttempts(10)
                        .backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10))),
                config(sink.url("/a")).withCircuitBreaker(new WebhookConfig.Breaker(1, Duration.ofMinutes(10))));
        publish(topic, event("o-1"));
        sink.awaitCalls("/a", 1);
        await().untilAsserted(() -> assertThat(count(topic, "billing", WebhookMetrics.CIRCUIT_OPEN)).isEqualTo(1));

        long started = System.nanoTime();
        webhooks.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the breaker's 10 minutes").isLessThan(Duration.ofMinutes(1));
        assertThat(count(topic, "billing", WebhookMetrics.STOPPED)).isGreaterThanOrEqualTo(1);
        assertThat(sink.calls("/a")).hasSize(1);
        assertThat(webhooks.state()).isEqualTo(Webhooks.State.CLOSED);
        assertThatThrownBy(() -> webhooks.put(topic, "x", SubscriptionSpec.defaults(), config(sink.url("/a"))))
                .isInstanceOf(IllegalStateException.class);
        // reopened, the webhook is still there (the test's cleanup removes it)
        webhooks = Webhooks.start(broker, metrics, Clock.systemUTC());
        assertThat(webhooks.get(topic, "billing")).isPresent();
    }
}
