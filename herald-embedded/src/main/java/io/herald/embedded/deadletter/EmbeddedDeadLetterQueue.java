package io.herald.embedded.deadletter;

import io.herald.broker.DeadLetter;
import io.herald.broker.DeadLetterQueue;
import io.herald.broker.DeadLetterSelector;
import io.herald.broker.Position;
import io.herald.broker.RedriveTarget;
import io.herald.broker.StoredEvent;
import io.herald.broker.TopicNotFoundException;
import io.herald.broker.spi.DeadLetterFormat;
import io.herald.embedded.meta.DeliveryStateStore;
import io.herald.embedded.topic.Partition;
import io.herald.embedded.topic.PartitionFetcher;
import io.herald.embedded.topic.Topic;
import io.herald.embedded.topic.TopicRegistry;
import io.herald.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The dead letters of one subscription: the records of its dead-letter topic that name it,
 * minus those resolved (redriven or purged), which {@link DeliveryStateStore} remembers. The
 * topic itself is append-only; resolving a dead letter hides it, it does not erase it.
 */
public final class EmbeddedDeadLetterQueue implements DeadLetterQueue {

    private static final int REDRIVE_CHUNK = 500;

    private final String topic;
    private final String subscription;
    private final String deadLetterTopic;
    private final TopicRegistry topics;
    private final DeliveryStateStore states;
    private final Listener listener;

    public EmbeddedDeadLetterQueue(String topic, String subscription, String deadLetterTopic, TopicRegistry topics,
                                   DeliveryStateStore states, Listener listener) {
        this.topic = topic;
        this.subscription = subscription;
        this.deadLetterTopic = deadLetterTopic;
        this.topics = topics;
        this.states = states;
        this.listener = listener;
    }

    @Override
    public String topic() {
        return deadLetterTopic;
    }

    @Override
    public List<DeadLetter> list(DeadLetterSelector selector, int limit) {
        if (limit < 1) {
            throw new io.herald.error.InvalidSpecException("a dead-letter list limit must be at least 1, got " + limit);
        }
        List<DeadLetter> out = new ArrayList<>();
        scan(selector, d -> {
            if (out.size() < limit) {
                out.add(d);
            }
        });
        return out;
    }

    @Override
    public long count(DeadLetterSelector selector) {
        long[] n = {0};
        scan(selector, d -> n[0]++);
        return n[0];
    }

    @Override
    public Optional<DeadLetter> show(Position position) {
        Optional<Topic> t = deadLetterTopic();
        if (t.isEmpty() || states.isResolved(deadLetterTopic, position.partition(), position.offset())) {
            return Optional.empty();
        }
        return t.get().read(position).flatMap(DeadLetterFormat::read).filter(this::isOurs);
    }

    @Override
    public long redrive(DeadLetterSelector selector, RedriveTarget target, Progress progress) {
        if (target instanceof RedriveTarget.ToTopic to) {
            if (to.topic().equals(deadLetterTopic)) {
                throw new io.herald.error.InvalidSpecException("cannot redrive dead letters into their own dead-letter topic '"
                        + deadLetterTopic + "'");
            }
            topics.get(to.topic()); // a missing target fails before anything moves
        }
        List<DeadLetter> selected = new ArrayList<>();
        scan(selector, selected::add);
        long total = selected.size();
        progress.update(0, total);
        long done = 0;
        for (int from = 0; from < selected.size(); from += REDRIVE_CHUNK) {
            List<DeadLetter> chunk = selected.subList(from, Math.min(selected.size(), from + REDRIVE_CHUNK));
            switch (target) {
                case RedriveTarget.ToTopic to -> {
                    Topic destination = topics.get(to.topic());
                    List<Event> events = chunk.stream().map(DeadLetter::event).toList();
                    destination.publish(events).join();
                    chunk.forEach(d -> states.resolve(deadLetterTopic, d.position().partition(), d.position().offset()));
                }
                case RedriveTarget.ToSubscription to -> chunk.forEach(d -> {
                    states.addRedrive(topic, subscription, new DeliveryStateStore.Redrive(deadLetterTopic,
                            d.position().partition(), d.position().offset(), d.event().partitionKey().orElse(null)));
                    states.resolve(deadLetterTopic, d.position().partition(), d.position().offset());
                });
            }
            states.flush().join();
            done += chunk.size();
            progress.update(done, total);
        }
        if (!selected.isEmpty() && target instanceof RedriveTarget.ToSubscription) {
            listener.redriven();
        }
        return total;
    }

    @Override
    public long purge(DeadLetterSelector selector) {
        List<DeadLetter> selected = new ArrayList<>();
        scan(selector, selected::add);
        Set<String> keys = new LinkedHashSet<>();
        for (DeadLetter d : selected) {
            states.resolve(deadLetterTopic, d.position().partition(), d.position().offset());
            d.event().partitionKey().ifPresent(keys::add);
        }
        states.flush().join();
        if (!keys.isEmpty()) {
            listener.purged(keys);
        }
        return selected.size();
    }

    /** Every unresolved dead letter of this subscription that the selector takes, in position order per partition. */
    private void scan(DeadLetterSelector selector, Consumer<DeadLetter> each) {
        Optional<Topic> t = deadLetterTopic();
        if (t.isEmpty()) {
            return;
        }
        for (Partition p : t.get().partitions()) {
            if (selector instanceof DeadLetterSelector.Range r && r.partition() != p.index()) {
                continue;
            }
            long from = Math.max(p.log().startOffset(), states.resolvedBelow(deadLetterTopic, p.index()));
            long end = p.log().endOffset();
            PartitionFetcher fetcher = new PartitionFetcher(p, from);
            StoredEvent stored;
            while (fetcher.position() < end && (stored = fetcher.next()) != null) {
                if (stored.position().offset() >= end) {
                    break;
                }
                if (states.isResolved(deadLetterTopic, p.index(), stored.position().offset())) {
                    continue;
                }
                DeadLetterFormat.read(stored).filter(this::isOurs).filter(selector::selects).ifPresent(each);
            }
        }
    }

    private boolean isOurs(DeadLetter d) {
        return d.topic().equals(topic) && d.subscription().equals(subscription);
    }

    private Optional<Topic> deadLetterTopic() {
        try {
            return Optional.of(topics.get(deadLetterTopic));
        } catch (TopicNotFoundException missing) {
            return Optional.empty();
        }
    }

    /** Hears what changed for the subscription's consumers. */
    public interface Listener {
        /** Dead letters were redriven to the subscription. */
        void redriven();

        /** Dead letters of these keys were purged: parked keys may go on. */
        void purged(Set<String> keys);
    }
}
