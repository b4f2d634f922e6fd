package io.herald.embedded.meta;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.herald.broker.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The durable definitions of topics and subscriptions, kept in the internal topic
 * {@code __metadata} ({@link StateLog}). Every change is on disk before its method returns.
 * Thread-safe: one lock orders changes in memory and in the log alike.
 */
public final class MetadataStore implements AutoCloseable {

    private static final int COMPACT_AFTER_CHANGES = 1000;

    private final Map<String, TopicRecord> topics = new LinkedHashMap<>();
    private final Map<String, Map<String, SubscriptionRecord>> subscriptions = new LinkedHashMap<>();
    private final StateLog log;

    private MetadataStore(Path dir) throws IOException {
        this.log = StateLog.open(dir, "metadata", this::replay);
    }

    public static MetadataStore open(Path dir) throws IOException {
        return new MetadataStore(dir);
    }

    private void replay(boolean snapshot, byte[] bytes) {
        if (snapshot) {
            topics.clear();
            subscriptions.clear();
            Snapshot s = Json.read(bytes, Snapshot.class);
            s.topics().forEach(this::applyTopic);
            s.subscriptions().forEach(this::applySubscription);
        } else {
            apply(Json.read(bytes, Change.class));
        }
    }

    private void apply(Change change) {
        switch (change) {
            case Change.TopicCreated c -> applyTopic(c.topic());
            case Change.TopicDeleted c -> {
                topics.remove(c.name());
                subscriptions.remove(c.name());
            }
            case Change.SubscriptionCreated c -> applySubscription(c.subscription());
            case Change.SubscriptionDeleted c -> {
                Map<String, SubscriptionRecord> subs = subscriptions.get(c.topic());
                if (subs != null) {
                    subs.remove(c.name());
                }
            }
        }
    }

    private void applyTopic(TopicRecord t) {
        topics.put(t.name(), t);
    }

    private void applySubscription(SubscriptionRecord s) {
        subscriptions.computeIfAbsent(s.topic(), k -> new LinkedHashMap<>()).put(s.name(), s);
    }

    /** Writes the change, then applies it: a change that did not reach the disk does not happen. */
    private void change(Change change) {
        try {
            log.append(Json.write(change)).join();
            apply(change);
            if (log.changesSinceSnapshot() >= COMPACT_AFTER_CHANGES) {
                log.compact(Json.write(new Snapshot(List.copyOf(topics.values()), allSubscriptions()))).join();
            }
        } catch (CompletionException e) {
            throw new StorageException("cannot write the metadata log: " + e.getCause().getMessage(), e.getCause());
        }
    }

    public synchronized List<TopicRecord> topics() {
        return List.copyOf(topics.values());
    }

    public synchronized Optional<TopicRecord> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    public synchronized void createTopic(TopicRecord topic) {
        change(new Change.TopicCreated(topic));
    }

    /** Removes the topic and its subscriptions. */
    public synchronized void deleteTopic(String name) {
        change(new Change.TopicDeleted(name));
    }

    public synchronized List<SubscriptionRecord> subscriptions(String topic) {
        return List.copyOf(subscriptions.getOrDefault(topic, Map.of()).values());
    }

    public synchronized Optional<SubscriptionRecord> subscription(String topic, String name) {
        return Optional.ofNullable(subscriptions.getOrDefault(topic, Map.of()).get(name));
    }

    public synchronized void createSubscription(SubscriptionRecord subscription) {
        change(new Change.SubscriptionCreated(subscription));
    }

    public synchronized void deleteSubscription(String topic, String name) {
        change(new Change.SubscriptionDeleted(topic, name));
    }

    private List<SubscriptionRecord> allSubscriptions() {
        List<SubscriptionRecord> all = new ArrayList<>();
        subscriptions.values().forEach(m -> all.addAll(m.values()));
        return all;
    }

    @Override
    public void close() {
        log.close();
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Change.TopicCreated.class, name = "topicCreated"),
        @JsonSubTypes.Type(value = Change.TopicDeleted.class, name = "topicDeleted"),
        @JsonSubTypes.Type(value = Change.SubscriptionCreated.class, name = "subscriptionCreated"),
        @JsonSubTypes.Type(value = Change.SubscriptionDeleted.class, name = "subscriptionDeleted")
    })
    sealed interface Change {
        record TopicCreated(TopicRecord topic) implements Change {
        }

        record TopicDeleted(String name) implements Change {
        }

        record SubscriptionCreated(SubscriptionRecord subscription) implements Change {
        }

        record SubscriptionDeleted(String topic, String name) implements Change {
        }
    }

    record Snapshot(List<TopicRecord> topics, List<SubscriptionRecord> subscriptions) {
    }
}
