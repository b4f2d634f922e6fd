package io.herald.kafka.dispatch;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.kafka.group.GroupPeer;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A pull consumer of a {@code KEY} or {@code NONE} subscription: it takes deliveries from the
 * process's engine of the subscription, competing with the other local consumers of it.
 */
public final class QueuePullSubscriber implements PullSubscriber, GroupPeer {

    private final Dispatcher dispatcher;
    private final Runnable onClose;
    private volatile boolean closed;

    QueuePullSubscriber(Dispatcher dispatcher, Runnable onClose) {
        this.dispatcher = dispatcher;
        this.onClose = onClose;
    }

    @Override
    public String topic() {
        return dispatcher.topic();
    }

    @Override
    public String subscription() {
        return dispatcher.subscription();
    }

    @Override
    public List<Delivery> poll(int max, Duration wait) {
        if (closed) {
            throw new BrokerClosedException("pull subscriber '" + subscription() + "' of topic '" + topic() + "'");
        }
        return dispatcher.poll(max, wait);
    }

    @Override
    public Set<Integer> assignment() {
        return dispatcher.assignment();
    }

    @Override
    public void expectRebalance() {
        // the engine is the group member; local consumers joining it change no assignment
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.run();
    }
}
