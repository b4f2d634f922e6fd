package io.herald.embedded.dispatch;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A pull consumer of a {@code KEY} or {@code NONE} subscription: it takes leases from the
 * subscription's {@link Dispatcher}, from every partition. Closing it voids nothing: leases it
 * holds expire and their events go to other consumers.
 */
public final class QueuePullConsumer implements PullSubscriber {

    private static final AtomicLong IDS = new AtomicLong();

    private final Dispatcher dispatcher;
    private final String topic;
    private final int partitions;
    private final String id = "consumer-" + IDS.incrementAndGet();
    private final Consumer<QueuePullConsumer> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    public QueuePullConsumer(Dispatcher dispatcher, String topic, int partitions, Consumer<QueuePullConsumer> onClose) {
        this.dispatcher = dispatcher;
        this.topic = topic;
        this.partitions = partitions;
        this.onClose = onClose;
    }

    public String id() {
        return id;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String subscription() {
        return dispatcher.subscription();
    }

    @Override
    public List<Delivery> poll(int max, Duration wait) {
        if (closed.get()) {
            throw new BrokerClosedException("this pull subscriber of '" + subscription() + "'");
        }
        return dispatcher.poll(id, max, wait);
    }

    /** Every partition: events of any partition may come to any consumer. */
    @Override
    public Set<Integer> assignment() {
        return IntStream.range(0, partitions).boxed().collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            dispatcher.leave(id);
            onClose.accept(this);
        }
    }
}
