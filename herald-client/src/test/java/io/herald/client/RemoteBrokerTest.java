package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.broker.Broker;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Delivery;
import io.herald.broker.EventTooLargeException;
import io.herald.broker.InvalidNameException;
import io.herald.broker.Ordering;
import io.herald.broker.Position;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RedriveTarget;
import io.herald.broker.RejectException;
import io.herald.broker.RetryAfterException;
import io.herald.broker.RetryPolicy;
import io.herald.broker.StartPosition;
import io.herald.broker.StoredEvent;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionActiveException;
import io.herald.broker.SubscriptionInfo;
import io.herald.broker.SubscriptionNotFoundException;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicInfo;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicReader;
import io.herald.broker.TopicSpec;
import io.herald.error.InvalidSpecException;
import io.herald.event.Event;
import io.herald.server.auth.AccessToken;
import io.herald.server.auth.Permission;
import io.herald.server.auth.TopicPattern;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every method of {@link RemoteBroker} against a real server on a temporary data directory, each
 * answer checked against what the server's own broker says (the same topics, events, specs,
 * dead letters, and the same exceptions with the same messages).
 */
class RemoteBrokerTest {

    private ServerOnTempDirectory fixture;
    private RemoteBroker remote;
    private Broker local;

    @BeforeEach
    void start() throws Exception {
        fixture = ServerOnTempDirectory.start();
        remote = fixture.broker();
        local = fixture.inProcess();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    /** The message of what the server's own broker throws for the same call. */
    private static String messageOf(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("the call did not fail");
    }

    private static Event event(int n) {
        return Event.builder().id("e-" + n).source("/test").type("test.event").json("{\"n\": " + n + "}").build();
    }

    // ---- connecting

    @Test
    void connectNamesAServerThatDoesNotAnswer() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port);

        assertThatThrownBy(() -> RemoteBroker.connect(nowhere, Optional.empty()))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageStartingWith("the Herald server at " + nowhere + " does not answer");
        for (String bad : List.of("ftp://127.0.0.1:7070", "http:no-host", "http://127.0.0.1:7070/?x=1")) {
            assertThatThrownBy(() -> RemoteBroker.connect(URI.create(bad), Optional.empty()))
                    .as(bad).isInstanceOf(InvalidSpecException.class).hasMessageContaining("http(s)://HOST:PORT");
        }
    }

    // ---- topics

    @Test
    void topicsAreWhatTheServersBrokerHas() {
        TopicInfo created = remote.createTopic("orders", TopicSpec.partitions(3).retention(Duration.ofDays(7)).retentionBytes(1 << 20));
        remote.createTopic("fast", TopicSpec.partitions(1).asEphemeral());
        remote.publish("orders", List.of(event(1), event(2))).join();

        assertThat(created).isEqualTo(TopicInfo.class.cast(created)).satisfies(t -> assertThat(t.spec().partitions()).isEqualTo(3));
        assertThat(remote.describeTopic("orders")).isEqualTo(local.describeTopic("orders"));
        assertThat(remote.describeTopic("fast").spec()).isEqualTo(local.describeTopic("fast").spec());
        assertThat(remote.listTopics()).containsExactlyInAnyOrderElementsOf(served(local.listTopics()));

        remote.deleteTopic("fast");
        assertThat(served(local.listTopics())).extracting(TopicInfo::name).containsExactly("orders");
    }

    @Test
    void topicErrorsAreTheBrokersOwn() {
        remote.createTopic("orders", TopicSpec.partitions(1));

        assertThatThrownBy(() -> remote.createTopic("orders", TopicSpec.partitions(2))).isExactlyInstanceOf(TopicExistsException.class)
                .hasMessage(messageOf(() -> local.createTopic("orders", TopicSpec.partitions(2))));
        assertThatThrownBy(() -> remote.describeTopic("nope")).isExactlyInstanceOf(TopicNotFoundException.class)
                .hasMessage(messageOf(() -> local.describeTopic("nope")));
        assertThatThrownBy(() -> remote.deleteTopic("nope")).isExactlyInstanceOf(TopicNotFoundException.class);
        assertThatThrownBy(() -> remote.describeTopic("../topics")).isExactlyInstanceOf(InvalidNameException.class)
                .hasMessage(messageOf(() -> local.createTopic("../topics", TopicSpec.partitions(1))));
        assertThat(served(local.listTopics())).hasSize(1);
    }

    /** The topics the server serves: its own (herald.server.*, the webhook registry) are not among them. */
    private static List<TopicInfo> served(List<TopicInfo> topics) {
        return topics.stream().filter(t -> !io.herald.server.topic.ServerTopics.isReserved(t.name())).toList();
    }

    // ---- publishing

    @Test
    void publishedEventsArriveByteForByteInOneRequestOrInABatch() {
        remote.createTopic("mixed", TopicSpec.partitions(1));
        Event spaced = Event.builder().id("json").source("/t").type("x").json("{\"total\": 42,\n  \"note\": \"\\u00e9 \u2248\"}").build();
        Event text = Event.builder().id("text").source("/t").type("x").data("plain text").dataContentType("text/plain").build();
        Event bytes = Event.builder().id("bytes").source("/t").type("x").data(new byte[] {0, 1, (byte) 0xff}).build();
        Event none = Event.builder().id("none").source("/t").type("x").subject("s").extension("tenant", "acme").build();

        Event spacedToo = spaced.toBuilder().id("json-2").build();

        Position single = remote.publish("mixed", spaced).join();
        List<Position> batch = remote.publish("mixed", List.of(spacedToo, text, bytes, none)).join();

        assertThat(single).isEqualTo(new Position(0, 0));
        assertThat(batch).containsExactly(new Position(0, 1), new Position(0, 2), new Position(0, 3), new Position(0, 4));
        try (TopicReader reader = local.reader("mixed", StartPosition.EARLIEST)) {
            assertThat(reader.poll(10, Duration.ofSeconds(5))).extracting(StoredEvent::event)
                    .containsExactly(spaced, spacedToo, text, bytes, none);
        }
        // the server's duplicate window: the same source and id again is answered with the first position
        assertThat(remote.publish("mixed", spaced).join()).isEqualTo(single);
        assertThat(local.describeTopic("mixed").eventCount()).isEqualTo(5);
        assertThat(remote.publish("mixed", List.of()).join()).isEmpty();
    }

    @Test
    void aDelayedPublishEntersTheTopicAtItsTime() {
        remote.createTopic("later", TopicSpec.partitions(1));
        Instant due = Instant.now().plusMillis(800);

        remote.publishAt("later", List.of(event(1), event(2)), due).join();
        remote.publishAfter("later", event(3), Duration.ofMillis(900)).join();

        try (TopicReader reader = local.reader("later", StartPosition.EARLIEST)) {
            List<StoredEvent> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                got.addAll(reader.poll(10, Duration.ofMillis(100)));
                return got.size() == 3;
            });
            assertThat(got).extracting(e -> e.event().id()).containsExactly("e-1", "e-2", "e-3");
            assertThat(got).allSatisfy(e -> assertThat(e.appendTime()).isAfterOrEqualTo(due.minusMillis(1)));
        }
    }

    @Test
    void badPublishesThrowAtOnceAndWriteNothing() {
        remote.createTopic("orders", TopicSpec.partitions(2));
        Event huge = Event.builder().id("huge").source("/t").type("big").data(new byte[3 * 1024 * 1024]).build();

        assertThatThrownBy(() -> remote.publish("nope", event(1))).isExactlyInstanceOf(TopicNotFoundException.class)
                .hasMessage(messageOf(() -> local.publish("nope", event(1))));
        assertThatThrownBy(() -> remote.publish("nope", List.of(event(1)))).isExactlyInstanceOf(TopicNotFoundException.class);
        assertThatThrownBy(() -> remote.publishAt("nope", List.of(event(1)), Instant.now())).isExactlyInstanceOf(TopicNotFoundException.class);
        // the server measures the event as it arrived (its JSON envelope and data), the broker as it encodes it
        assertThatThrownBy(() -> remote.publish("orders", huge)).isExactlyInstanceOf(EventTooLargeException.class)
                .hasMessageStartingWith("event 'huge' is ").hasMessageEndingWith("bytes encoded; the limit is 1048576 bytes")
                .satisfies(e -> assertThat(((EventTooLargeException) e).size()).isGreaterThanOrEqualTo(3 * 1024 * 1024));
        assertThatThrownBy(() -> remote.publish("orders", List.of(event(1), huge))).isExactlyInstanceOf(EventTooLargeException.class)
                .satisfies(e -> assertThat(((EventTooLargeException) e).size()).isGreaterThanOrEqualTo(3 * 1024 * 1024));
        assertThatThrownBy(() -> remote.publishAfter("orders", event(1), Duration.ofSeconds(-1))).isInstanceOf(InvalidSpecException.class);
        assertThat(local.describeTopic("orders").eventCount()).isZero();
    }

    @Test
    void aServerThatStoppedFailsThePublishAndIsFoundAgainOnceItIsBack() {
        remote.createTopic("orders", TopicSpec.partitions(1));
        fixture.server().close();

        CompletableFuture<Position> failed = remote.publish("orders", event(1));
        assertThat(failed).isCompletedExceptionally();
        assertThatThrownBy(failed::join).hasCauseExactlyInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining(remote.server().toString());
        assertThatThrownBy(remote::listTopics).isExactlyInstanceOf(ServerUnreachableException.class);

        fixture.restartOnSamePort();
        assertThat(remote.publish("orders", event(2)).join()).isEqualTo(new Position(0, 0));
    }

    // ---- reading

    @Test
    void aReaderStandsExactlyWhereTheServerSaysAndSeeks() {
        remote.createTopic("orders", TopicSpec.partitions(3));
        for (int i = 0; i < 30; i++) {
            remote.publish("orders", event(i).withPartitionKey("k" + i));
        }
        try (TopicReader reader = remote.reader("orders", StartPosition.EARLIEST)) {
            assertThat(reader.positions()).isEqualTo(Map.of(0, 0L, 1, 0L, 2, 0L));

            List<StoredEvent> head = reader.poll(10, Duration.ofSeconds(5));
            SortedMap<Integer, Long> stood = reader.positions();
            try (TopicReader same = local.reader("orders", StartPosition.offsets(stood))) {
                List<StoredEvent> rest = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (rest.size() < 30 - head.size() && System.nanoTime() < deadline) {
                    rest.addAll(same.poll(30, Duration.ofMillis(200)));
                }
                List<StoredEvent> all = new ArrayList<>(head);
                all.addAll(rest);
                assertThat(all).extracting(e -> e.event().id()).doesNotHaveDuplicates().hasSize(30);
            }

            reader.seek(StartPosition.offsets(Map.of(0, 1L, 7, 3L)));
            Map<Integer, Long> ends = new TreeMap<>();
            local.describeTopic("orders").partitions().forEach(p -> ends.put(p.partition(), p.endOffset()));
            Map<Integer, Long> expected = new TreeMap<>(ends);
            expected.put(0, 1L);
            assertThat(reader.positions()).as("partition 7 does not exist and is ignored").isEqualTo(expected);
        }
    }

    @Test
    void aReadersPollWaitsForTheNextEvent() throws Exception {
        remote.createTopic("orders", TopicSpec.partitions(1));
        try (TopicReader reader = remote.reader("orders", StartPosition.LATEST)) {
            assertThat(reader.poll(10, Duration.ZERO)).isEmpty();
            Thread.ofVirtual().start(() -> {
                sleep(300);
                local.publish("orders", event(7)).join();
            });
            List<StoredEvent> got = reader.poll(10, Duration.ofSeconds(10));
            assertThat(got).extracting(e -> e.event().id()).containsExactly("e-7");
            assertThat(reader.positions()).isEqualTo(Map.of(0, 1L));
            assertThatThrownBy(() -> reader.poll(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
        }
        assertThatThrownBy(() -> remote.reader("nope", StartPosition.EARLIEST)).isExactlyInstanceOf(TopicNotFoundException.class);
        TopicReader closed = remote.reader("orders", StartPosition.EARLIEST);
        closed.close();
        assertThatThrownBy(() -> closed.poll(1, Duration.ZERO)).isInstanceOf(BrokerClosedException.class);
    }

    @Test
    void aFollowingReaderSeesEventsAsTheyAreAppendedAcrossARestart() {
        remote.createTopic("orders", TopicSpec.partitions(2));
        remote.publish("orders", event(0)).join();
        try (TopicReader live = remote.follow("orders", StartPosition.LATEST)) {
            SortedMap<Integer, Long> start = live.positions();
            assertThat(start.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
            for (int i = 1; i <= 5; i++) {
                remote.publish("orders", event(i)).join();
            }
            List<String> ids = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                live.poll(10, Duration.ofMillis(200)).forEach(e -> ids.add(e.event().id()));
                return ids.size() >= 5;
            });
            assertThat(live.positions().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(6);

            fixture.restartOnSamePort();
            for (int i = 6; i <= 8; i++) {
                remote.publish("orders", event(i)).join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                live.poll(10, Duration.ofMillis(200)).forEach(e -> ids.add(e.event().id()));
                return ids.size() >= 8;
            });
            assertThat(ids).as("nothing lost, nothing twice").containsExactlyInAnyOrder("e-1", "e-2", "e-3", "e-4", "e-5", "e-6", "e-7", "e-8");
        }
    }

    // ---- pull consumers

    @Test
    void aPullSubscribersDeliveriesAreSettledByReceipt() {
        remote.createTopic("orders", TopicSpec.partitions(2));
        for (int i = 0; i < 4; i++) {
            remote.publish("orders", event(i).withPartitionKey("k" + i)).join();
        }
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST)
                .retry(RetryPolicy.maxAttempts(5).backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10)));
        try (PullSubscriber consumer = remote.pullSubscriber("orders", "worker", spec)) {
            assertThat(consumer.assignment()).containsExactlyInAnyOrder(0, 1);
            Map<String, Delivery> got = new ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(10, Duration.ofSeconds(1)).forEach(d -> got.put(d.event().id(), d));
                return got.size() == 4;
            });
            assertThat(got.values()).allSatisfy(d -> {
                assertThat(d.attempt()).isEqualTo(1);
                assertThat(d.topic()).isEqualTo("orders");
                assertThat(d.subscription()).isEqualTo("worker");
                assertThat(d.leaseDeadline()).isAfter(Instant.now());
            });

            got.get("e-0").ack();
            got.get("e-0").nack(); // the first verdict counts: nothing happens
            Instant nacked = Instant.now();
            got.get("e-1").nack(Duration.ofMillis(500));
            got.get("e-2").reject("card stolen");
            Instant before = got.get("e-3").leaseDeadline();
            got.get("e-3").extend(Duration.ofMinutes(1));
            assertThat(got.get("e-3").leaseDeadline()).isAfterOrEqualTo(before.plusSeconds(50));
            got.get("e-3").ack();
            assertThatThrownBy(() -> got.get("e-3").nack(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);

            Delivery again = pollFor(consumer, "e-1");
            assertThat(again.attempt()).isEqualTo(2);
            assertThat(Duration.between(nacked, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(450));
            again.ack();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> local.describeSubscription("orders", "worker").lag() == 0);
        DeadLetter rejected = local.deadLetters("orders", "worker").list(DeadLetterSelector.all(), 10).getFirst();
        assertThat(rejected.event().id()).isEqualTo("e-2");
        assertThat(rejected.reason()).contains("card stolen");
    }

    @Test
    void aVerdictTheServerRefusesIsLoggedNotThrown() {
        remote.createTopic("orders", TopicSpec.partitions(1));
        remote.publish("orders", event(0)).join();
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST).leaseDuration(Duration.ofMillis(300))
                .retry(RetryPolicy.maxAttempts(5).backoff(Duration.ZERO, 1.0, Duration.ZERO));
        try (PullSubscriber consumer = remote.pullSubscriber("orders", "slow", spec)) {
            Delivery first = pollFor(consumer, "e-0");
            Delivery second = pollFor(consumer, "e-0"); // the first lease ran out
            assertThat(second.attempt()).isEqualTo(2);

            first.ack(); // refused (lease expired): logged
            first.extend(Duration.ofSeconds(5));
            second.ack();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> local.describeSubscription("orders", "slow").lag() == 0);
    }

    @Test
    void aPullSubscribersMistakesAreTheApisOwn() {
        remote.createTopic("orders", TopicSpec.partitions(1));
        assertThatThrownBy(() -> remote.pullSubscriber("nope", "s", SubscriptionSpec.defaults()))
                .isExactlyInstanceOf(TopicNotFoundException.class);
        assertThatThrownBy(() -> remote.pullSubscriber("orders", "a b", SubscriptionSpec.defaults()))
                .isExactlyInstanceOf(InvalidNameException.class)
                .hasMessage(messageOf(() -> local.pullSubscriber("orders", "a b", SubscriptionSpec.defaults())));
        assertThatThrownBy(() -> remote.pullSubscriber("orders", "s", SubscriptionSpec.defaults().deadLetterTopic("orders")))
                .isExactlyInstanceOf(InvalidSpecException.class).hasMessageContaining("own topic");
        PullSubscriber consumer = remote.pullSubscriber("orders", "s", SubscriptionSpec.defaults());
        assertThatThrownBy(() -> consumer.poll(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        consumer.close();
        assertThatThrownBy(() -> consumer.poll(1, Duration.ZERO)).isInstanceOf(BrokerClosedException.class);
    }

    @Test
    void anotherDefinitionIsRefusedWhileAConsumerElsewhereHoldsTheSubscriptionAndConcurrencyIsNoDefinition() {
        remote.createTopic("orders", TopicSpec.partitions(1));
        remote.publish("orders", event(0)).join();
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST);
        try (PullSubscriber first = remote.pullSubscriber("orders", "s", spec)) {
            Delivery held = pollFor(first, "e-0");
            try (PullSubscriber second = remote.pullSubscriber("orders", "s", spec.concurrency(2).sessionTimeout(Duration.ofSeconds(3)))) {
                assertThat(second.subscription()).isEqualTo("s");
            }
            held.ack(); // its receipt is still good: the subscription was not redefined
            await().atMost(Duration.ofSeconds(20)).until(() -> local.describeSubscription("orders", "s").lag() == 0);
        }
        try (PullSubscriber elsewhere = local.pullSubscriber("orders", "s", spec)) {
            assertThatThrownBy(() -> remote.pullSubscriber("orders", "s", spec.maxAttempts(9)))
                    .isExactlyInstanceOf(InvalidSpecException.class).hasMessageContaining("in use with another definition");
            assertThatThrownBy(() -> remote.resetSubscription("orders", "s", StartPosition.EARLIEST))
                    .isExactlyInstanceOf(SubscriptionActiveException.class)
                    .hasMessage(messageOf(() -> local.resetSubscription("orders", "s", StartPosition.EARLIEST)));
        }
    }

    // ---- push consumers

    @Test
    void aPushHandlerHasTheApisMeaningReturnAcksAndThrowingRejectsOrRetries() {
        remote.createTopic("orders", TopicSpec.partitions(2));
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST)
                .retry(RetryPolicy.maxAttempts(3).backoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10))
                        .permanent(IllegalArgumentException.class));
        Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
        Map<String, Instant> firstCall = new ConcurrentHashMap<>();
        Map<String, Instant> secondCall = new ConcurrentHashMap<>();
        try (Subscriber subscriber = remote.subscribe("orders", "worker", spec, d -> {
            String id = d.event().id();
            attempts.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(d.attempt());
            (d.attempt() == 1 ? firstCall : secondCall).put(id, Instant.now());
            switch (id) {
                case "reject" -> throw new RejectException("no stock");
                case "permanent" -> throw new IllegalArgumentException("bad order");
                case "retry" -> {
                    if (d.attempt() == 1) {
                        throw new IllegalStateException("downstream down");
                    }
                }
                case "later" -> {
                    if (d.attempt() == 1) {
                        throw new RetryAfterException("429", Duration.ofMillis(700));
                    }
                }
                default -> {
                }
            }
        })) {
            assertThat(subscriber.assignment()).containsExactlyInAnyOrder(0, 1);
            for (String id : List.of("ok", "reject", "permanent", "retry", "later")) {
                remote.publish("orders", Event.builder().id(id).source("/t").type("x").build()).join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> attempts.getOrDefault("retry", List.of()).size() == 2
                    && attempts.getOrDefault("later", List.of()).size() == 2
                    && local.deadLetters("orders", "worker").count(DeadLetterSelector.all()) == 2);
        }
        assertThat(attempts.get("ok")).containsExactly(1);
        assertThat(attempts.get("reject")).containsExactly(1);
        assertThat(attempts.get("permanent")).containsExactly(1);
        assertThat(Duration.between(firstCall.get("later"), secondCall.get("later"))).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        Map<String, String> reasons = new TreeMap<>();
        local.deadLetters("orders", "worker").list(DeadLetterSelector.all(), 10).forEach(d -> reasons.put(d.event().id(), d.reason()));
        assertThat(reasons).containsOnlyKeys("reject", "permanent");
        assertThat(reasons.get("reject")).contains("no stock");
        assertThat(reasons.get("permanent")).contains("permanent error java.lang.IllegalArgumentException");
        await().atMost(Duration.ofSeconds(20)).until(() -> local.describeSubscription("orders", "worker").lag() == 0);
    }

    @Test
    void aPushSubscriberOpensItsStreamAgainAfterTheServerRestarts() {
        remote.createTopic("orders", TopicSpec.partitions(1));
        List<String> handled = new CopyOnWriteArrayList<>();
        try (Subscriber ignored = remote.subscribe("orders", "worker", SubscriptionSpec.ordering(Ordering.KEY),
                d -> handled.add(d.event().id()))) {
            remote.publish("orders", List.of(event(1), event(2))).join();
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 2);

            fixture.restartOnSamePort();
            remote.publish("orders", List.of(event(3), event(4))).join();

            await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsAll(List.of("e-3", "e-4")));
        }
        assertThat(handled).containsExactly("e-1", "e-2", "e-3", "e-4");
    }

    @Test
    void closingAPushSubscriberWaitsForTheHandlerCallInProgress() throws Exception {
        remote.createTopic("orders", TopicSpec.partitions(1));
        CountDownLatch started = new CountDownLatch(1);
        AtomicLong finished = new AtomicLong();
        Subscriber subscriber = remote.subscribe("orders", "worker", SubscriptionSpec.ordering(Ordering.NONE).startAt(StartPosition.EARLIEST),
                d -> {
                    started.countDown();
                    sleep(500);
                    finished.set(System.nanoTime());
                });
        remote.publish("orders", event(1)).join();
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        subscriber.close();

        assertThat(finished.get()).as("the handler call returned before close did").isPositive().isLessThan(System.nanoTime());
        await().atMost(Duration.ofSeconds(20)).until(() -> local.describeSubscription("orders", "worker").lag() == 0);

        Subscriber selfClosing = remote.subscribe("orders", "self", SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST),
                d -> { });
        CountDownLatch closedFromHandler = new CountDownLatch(1);
        Subscriber[] holder = new Subscriber[1];
        holder[0] = remote.subscribe("orders", "closer", SubscriptionSpec.ordering(Ordering.PARTITION).startAt(StartPosition.EARLIEST), d -> {
            while (holder[0] == null) {
                Thread.onSpinWait();
            }
            holder[0].close();
            closedFromHandler.countDown();
        });
        assertThat(closedFromHandler.await(20, TimeUnit.SECONDS)).as("a handler closes its own subscriber without waiting for itself").isTrue();
        selfClosing.close();
    }

    // ---- subscriptions

    @Test
    void subscriptionsAreWhatTheServersBrokerHas() {
        remote.createTopic("orders", TopicSpec.partitions(2));
        SubscriptionSpec spec = SubscriptionSpec.ordering(Ordering.KEY).startAt(StartPosition.EARLIEST)
                .filter("{\"type\": [\"test.event\"],\n \"data\": {\"n\": [{\"numeric\": [\">=\", 2]}]}}")
                .retry(RetryPolicy.maxAttempts(3).backoff(Duration.ofSeconds(2), 1.5, Duration.ofSeconds(30)).permanent(IllegalStateException.class))
                .deadLetterTopic("orders-dead").leaseDuration(Duration.ofSeconds(45));
        local.pullSubscriber("orders", "billing", spec).close();
        remote.pullSubscriber("orders", "audit", SubscriptionSpec.defaults()).close();
        remote.publish("orders", List.of(event(1), event(2), event(3))).join();

        SubscriptionInfo described = remote.describeSubscription("orders", "billing");
        assertThat(described.spec()).isEqualTo(local.describeSubscription("orders", "billing").spec());
        assertThat(described.spec().filter()).isEqualTo(spec.filter());
        assertThat(described.cursors()).isEqualTo(local.describeSubscription("orders", "billing").cursors());
        assertThat(remote.listSubscriptions("orders")).extracting(SubscriptionInfo::name).containsExactlyInAnyOrder("billing", "audit");
        assertThat(remote.listSubscriptions("orders")).extracting(SubscriptionInfo::spec)
                .containsExactlyInAnyOrderElementsOf(local.listSubscriptions("orders").stream().map(SubscriptionInfo::spec).toList());

        remote.resetSubscription("orders", "audit", StartPosition.EARLIEST);
        assertThat(local.describeSubscription("orders", "audit").lag()).isEqualTo(3);
        remote.deleteSubscription("orders", "audit");
        assertThat(local.listSubscriptions("orders")).extracting(SubscriptionInfo::name).containsExactly("billing");

        assertThatThrownBy(() -> remote.describeSubscription("orders", "ghost")).isExactlyInstanceOf(SubscriptionNotFoundException.class)
                .hasMessage(messageOf(() -> local.describeSubscription("orders", "ghost")));
        assertThatThrownBy(() -> remote.resetSubscription("orders", "ghost", StartPosition.LATEST))
                .isExactlyInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> remote.deleteSubscription("orders", "ghost")).isExactlyInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> remote.listSubscriptions("nope")).isExactlyInstanceOf(TopicNotFoundException.class);
        assertThatThrownBy(() -> remote.describeSubscription("orders", "__x")).isExactlyInstanceOf(InvalidNameException.class);
    }

    // ---- dead letters

    /** {@code count} events rejected by subscription 'worker' of a new topic, even numbers of type a, odd of type b. */
    private String withDeadLetters(int count) {
        String topic = "t" + count;
        local.createTopic(topic, TopicSpec.partitions(2));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.builder().id("e-" + i).source("/t").type(i % 2 == 0 ? "a" : "b").json("{\"n\": " + i + "}").build());
        }
        local.publish(topic, events).join();
        try (PullSubscriber worker = local.pullSubscriber(topic, "worker", SubscriptionSpec.ordering(Ordering.NONE)
                .startAt(StartPosition.EARLIEST))) {
            int rejected = 0;
            while (rejected < count) {
                for (Delivery d : worker.poll(500, Duration.ofSeconds(1))) {
                    d.reject("bad payload " + d.event().id());
                    rejected++;
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> local.deadLetters(topic, "worker").count(DeadLetterSelector.all()) == count);
        return topic;
    }

    @Test
    void deadLettersAreListedShownRedrivenAndPurged() {
        String topic = withDeadLetters(6);
        remote.createTopic("retry", TopicSpec.partitions(1));
        DeadLetterQueue queue = remote.deadLetters(topic, "worker");
        DeadLetterQueue same = local.deadLetters(topic, "worker");

        assertThat(queue.topic()).isEqualTo(same.topic());
        assertThat(queue.list(DeadLetterSelector.all(), 10)).isEqualTo(same.list(DeadLetterSelector.all(), 10));
        assertThat(queue.list(DeadLetterSelector.all(), 2)).hasSize(2);
        DeadLetterSelector typeA = DeadLetterSelector.matching("{\"type\": [\"a\"]}");
        assertThat(queue.list(typeA, 10)).isEqualTo(same.list(typeA, 10)).hasSize(3);
        assertThat(queue.count(typeA)).isEqualTo(3);
        DeadLetter first = queue.list(typeA, 1).getFirst();
        Position p = first.position();
        DeadLetterSelector one = DeadLetterSelector.range(p.partition(), p.offset(), p.offset());
        assertThat(queue.count(one)).isEqualTo(1);
        assertThat(queue.show(p)).contains(first);
        assertThat(queue.show(new Position(0, 999_999))).isEmpty();

        assertThat(queue.redrive(one, RedriveTarget.topic("retry"), DeadLetterQueue.Progress.NONE)).isEqualTo(1);
        assertThat(local.describeTopic("retry").eventCount()).isEqualTo(1);
        List<long[]> progress = new CopyOnWriteArrayList<>();
        assertThat(queue.redrive(typeA, RedriveTarget.subscription(), (done, total) -> progress.add(new long[] {done, total}))).isEqualTo(2);
        assertThat(progress).hasSize(1).allSatisfy(step -> assertThat(step).containsExactly(2, 2));
        assertThat(queue.purge(DeadLetterSelector.matching("{\"type\": [\"b\"]}"))).isEqualTo(3);
        assertThat(queue.purge(DeadLetterSelector.all())).isZero();
        assertThat(same.count(DeadLetterSelector.all())).isZero();

        assertThatThrownBy(() -> remote.deadLetters(topic, "ghost")).isExactlyInstanceOf(SubscriptionNotFoundException.class);
        assertThatThrownBy(() -> remote.deadLetters("nope", "worker")).isExactlyInstanceOf(TopicNotFoundException.class);
        assertThatThrownBy(() -> queue.redrive(DeadLetterSelector.all(), RedriveTarget.topic("nope"), DeadLetterQueue.Progress.NONE))
                .isExactlyInstanceOf(TopicNotFoundException.class).hasMessageContaining("nope");
    }

    @Test
    void aListLongerThanAPagePagesThroughTheDeadLetterTopic() {
        String topic = withDeadLetters(RemoteDeadLetterQueue.PAGE + 7);
        DeadLetterQueue queue = remote.deadLetters(topic, "worker");
        DeadLetterQueue same = local.deadLetters(topic, "worker");
        int limit = RemoteDeadLetterQueue.PAGE + 5;

        assertThat(queue.list(DeadLetterSelector.all(), limit)).isEqualTo(same.list(DeadLetterSelector.all(), limit));
        DeadLetterSelector odd = DeadLetterSelector.matching("{\"type\": [\"b\"]}");
        assertThat(queue.list(odd, limit)).isEqualTo(same.list(odd, limit)).hasSize((RemoteDeadLetterQueue.PAGE + 7) / 2);
    }

    // ---- tokens and lifecycle

    @Test
    void aServerWithTokensTakesTheRightOneAndSaysWhatIsWrongWithTheOthers() throws Exception {
        String admin = "a".repeat(32);
        String reader = "r".repeat(32);
        try (ServerOnTempDirectory secured = ServerOnTempDirectory.start(c -> c.withTokens(List.of(AccessToken.admin("admin", admin),
                AccessToken.of("reader", reader, Map.of(Permission.CONSUME, List.of(new TopicPattern("*")))))), Optional.of(admin))) {
            RemoteBroker withToken = secured.broker();
            withToken.createTopic("orders", TopicSpec.partitions(1));
            assertThat(withToken.listTopics()).extracting(TopicInfo::name).containsExactly("orders");

            try (RemoteBroker without = RemoteBroker.connect(secured.server().url(), Optional.empty());
                 RemoteBroker wrong = RemoteBroker.connect(secured.server().url(), Optional.of("w".repeat(32)));
                 RemoteBroker weak = RemoteBroker.connect(secured.server().url(), Optional.of(reader))) {
                assertThatThrownBy(without::listTopics).isExactlyInstanceOf(AccessDeniedException.class)
                        .hasMessage("the Herald server at " + secured.server().url() + " refused the request (401 unauthorized): "
                                + "this server needs a token: send 'Authorization: Bearer <token>'");
                assertThatThrownBy(wrong::listTopics).isExactlyInstanceOf(AccessDeniedException.class)
                        .hasMessageContaining("the token is not one this server knows");
                assertThatThrownBy(() -> weak.deleteTopic("orders")).isExactlyInstanceOf(AccessDeniedException.class)
                        .hasMessageContaining("403 forbidden").hasMessageContaining("token 'reader' may not");
                assertThat(((AccessDeniedException) catchThrowable(() -> weak.deleteTopic("orders"))).status()).isEqualTo(403);
            }
        }
    }

    private static Throwable catchThrowable(Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("the call did not fail");
    }

    @Test
    void closeClosesWhatItOpenedAndRefusesWhatComesAfter() {
        remote.createTopic("orders", TopicSpec.partitions(1));
        List<String> handled = new CopyOnWriteArrayList<>();
        TopicReader reader = remote.reader("orders", StartPosition.EARLIEST);
        TopicReader live = remote.follow("orders", StartPosition.EARLIEST);
        PullSubscriber pull = remote.pullSubscriber("orders", "pull", SubscriptionSpec.defaults());
        remote.subscribe("orders", "push", SubscriptionSpec.ordering(Ordering.KEY), d -> handled.add(d.event().id()));

        remote.close();
        remote.close();

        assertThatThrownBy(() -> reader.poll(1, Duration.ZERO)).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> live.poll(1, Duration.ZERO)).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> pull.poll(1, Duration.ZERO)).isInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(remote::listTopics).isExactlyInstanceOf(BrokerClosedException.class);
        assertThatThrownBy(() -> remote.publish("orders", event(1))).isExactlyInstanceOf(BrokerClosedException.class);
        local.publish("orders", event(2)).join();
        try (TopicReader check = local.reader("orders", StartPosition.EARLIEST)) {
            assertThat(check.poll(10, Duration.ofSeconds(2))).hasSize(1);
        }
        assertThat(handled).as("the push subscriber was closed").isEmpty();
    }

    private static Delivery pollFor(PullSubscriber consumer, String id) {
        List<Delivery> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Delivery d : consumer.poll(10, Duration.ofMillis(200))) {
                if (d.event().id().equals(id) && found.isEmpty()) {
                    found.add(d);
                }
            }
            return !found.isEmpty();
        });
        return found.getFirst();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
