package io.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.herald.Herald;
import io.herald.broker.Broker;
import io.herald.broker.StorageException;
import io.herald.broker.TopicExistsException;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.TopicSpec;
import io.herald.event.Event;
import io.herald.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the embedded backend: its data directory, memory-only ephemeral topics. */
class EmbeddedBrokerTest {

    @TempDir
    Path dir;

    @Test
    void heraldFindsTheEmbeddedBackendThroughTheServiceLoader() {
        try (Broker broker = Herald.embedded(dir)) {
            assertThat(broker).isInstanceOf(EmbeddedBroker.class);
        }
    }

    @Test
    void aDataDirectoryOpensOnlyOnceInAProcess() {
        try (Broker ignored = EmbeddedBroker.open(dir)) {
            assertThatThrownBy(() -> EmbeddedBroker.open(dir))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("already open");
        }
        EmbeddedBroker.open(dir).close(); // and again once it was closed
    }

    @Test
    void aDataDirectoryHeldByAnotherProcessIsRefused() throws Exception {
        AtomicBoolean publishing = new AtomicBoolean();
        try (ChildJvm holder = ChildJvm.start(CrashPublisher.class, line -> publishing.set(true), dir.toString(), "g")) {
            await().atMost(Duration.ofSeconds(60)).untilTrue(publishing);
            assertThatThrownBy(() -> EmbeddedBroker.open(dir))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("in use by another Herald process");
        }
    }

    @Test
    void aDirectoryWithoutATopicDefinitionIsLeftAloneAndAnInterruptedDeletionIsFinished() throws Exception {
        Path stray = Files.createDirectories(dir.resolve("topics/unknown/0"));
        Path halfDeleted = Files.createDirectories(dir.resolve("topics/old.123~deleted/0"));
        try (Broker broker = EmbeddedBroker.open(dir)) {
            assertThat(broker.listTopics()).isEmpty();
        }
        assertThat(stray).exists();
        assertThat(halfDeleted.getParent()).doesNotExist();
    }

    @Test
    void anEphemeralTopicIsKeptInMemoryOnlySoARestartEmptiesIt() {
        try (Broker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic("clicks", TopicSpec.partitions(2).asEphemeral());
            for (int i = 0; i < 10; i++) {
                broker.publish("clicks", Event.builder().type("click").source("/test").data("c" + i).build()).join();
            }
            assertThat(broker.describeTopic("clicks").eventCount()).isEqualTo(10);
        }
        try (Broker broker = EmbeddedBroker.open(dir)) {
            assertThat(broker.describeTopic("clicks").eventCount()).isZero();
            assertThat(broker.describeTopic("clicks").spec().ephemeral()).isTrue();
        }
    }

    @Test
    void aTopicIsNotCreatedOverDataWhoseDefinitionIsGoneAndTheDataStays() throws Exception {
        Path segment = dir.resolve("topics/orders/0/00000000000000000000.log");
        Files.createDirectories(segment.getParent());
        Files.write(segment, new byte[] {1, 2, 3});
        try (Broker broker = EmbeddedBroker.open(dir)) {
            assertThatThrownBy(() -> broker.createTopic("orders", TopicSpec.partitions(1)))
                    .isInstanceOf(TopicExistsException.class)
                    .hasMessageContaining(dir.resolve("topics/orders").toString())
                    .hasMessageContaining("3 bytes")
                    .hasMessageContaining("Move the directory away");
            assertThat(broker.listTopics()).isEmpty();
        }
        assertThat(segment).hasBinaryContent(new byte[] {1, 2, 3});
        Files.delete(segment);
        try (Broker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic("orders", TopicSpec.partitions(1)); // empty directories hold nothing to keep
            assertThat(broker.describeTopic("orders").eventCount()).isZero();
        }
    }

    @Test
    void garbageInTheMetadataCostsAtMostTheRecordItHitsAndNeverTheTopicsData() throws Exception {
        try (Broker broker = EmbeddedBroker.open(dir)) {
            for (String name : new String[] {"alpha", "beta", "gamma"}) {
                broker.createTopic(name, TopicSpec.partitions(1));
                broker.publish(name, Event.builder().type("t").source("/s").data(name).build()).join();
            }
        }
        Path metadata;
        try (var files = Files.list(dir.resolve("internal/metadata/0"))) {
            metadata = files.filter(p -> p.toString().endsWith(".log")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(metadata);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\"alpha\"");
        assertThat(at).isPositive();
        System.arraycopy("GARBAGE!".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, bytes, at, 8);
        Files.write(metadata, bytes); // the independent tester's 8 bytes of garbage, on alpha's record
        try (Broker broker = EmbeddedBroker.open(dir)) {
            var names = broker.listTopics().stream().map(io.herald.broker.TopicInfo::name).toList();
            assertThat(names).as("the records after the damaged one are kept").contains("beta", "gamma");
            assertThat(broker.describeTopic("gamma").eventCount()).isEqualTo(1);
            if (!names.contains("alpha")) {
                assertThatThrownBy(() -> broker.createTopic("alpha", TopicSpec.partitions(1)))
                        .as("alpha's events are on disk: no topic is created over them").isInstanceOf(TopicExistsException.class);
            }
        }
        assertThat(dir.resolve("topics/alpha/0")).isDirectory();
    }

    @Test
    void aTopicOfTheLongestNameIsDeletedAndCreatedAgain() throws Exception {
        String name = "t".repeat(io.herald.broker.Names.MAX_LENGTH);
        try (Broker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic(name, TopicSpec.partitions(2));
            broker.publish(name, Event.builder().type("t").source("/s").data("x").build()).join();
            broker.deleteTopic(name);
            assertThat(dir.resolve("topics")).isEmptyDirectory();
            broker.createTopic(name, TopicSpec.partitions(1));
            assertThat(broker.describeTopic(name).eventCount()).isZero();
        }
    }

    @Test
    void aDeleteThatAStopInterruptedAfterItsRenameIsCompletedByTheNextOpen() throws Exception {
        try (Broker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic("orders", TopicSpec.partitions(1));
            broker.publish("orders", Event.builder().type("t").source("/s").data("x").build()).join();
        }
        // the state a kill -9 leaves between the delete's rename and the removal of the definition
        Path topicDir = dir.resolve("topics/orders");
        Files.writeString(topicDir.resolve("~topic"), "orders");
        Files.move(topicDir, dir.resolve("topics/~deleted.12345"));
        try (Broker broker = EmbeddedBroker.open(dir)) {
            assertThat(broker.listTopics()).isEmpty();
            assertThat(dir.resolve("topics")).isEmptyDirectory();
            broker.createTopic("orders", TopicSpec.partitions(1));
            assertThat(broker.describeTopic("orders").eventCount()).isZero();
        }
    }

    @Test
    void publishingWhileTheTopicIsDeletedEndsInTopicNotFound() {
        try (Broker broker = EmbeddedBroker.open(dir)) {
            broker.createTopic("short-lived", TopicSpec.partitions(2));
            Event event = Event.builder().type("t").source("/s").data("x").build();
            Thread deleter = Thread.ofPlatform().start(() -> broker.deleteTopic("short-lived"));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThatThrownBy(() -> {
                try {
                    broker.publish("short-lived", event).join();
                } catch (CompletionException e) {
                    throw e.getCause();
                }
            }).isInstanceOf(TopicNotFoundException.class));
            deleter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
