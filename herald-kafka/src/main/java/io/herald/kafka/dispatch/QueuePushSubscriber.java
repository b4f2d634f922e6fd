package io.herald.kafka.dispatch;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Subscriber;
import io.herald.broker.spi.HandlerCall;
import io.herald.kafka.group.GroupPeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push consumer of a {@code KEY} or {@code NONE} subscription: {@code spec.concurrency()}
 * virtual threads take deliveries from the process's engine of the subscription and call the
 * handler ({@link HandlerCall}: return = ack, {@code RejectException} = dead letter, any other
 * exception = a failure for the retry policy).
 */
public final class QueuePushSubscriber implements Subscriber, GroupPeer {

    private static final Logger LOG = LoggerFactory.getLogger(QueuePushSubscriber.class);
    private static final Duration POLL_SLICE = Duration.ofMillis(100);

    private final Dispatcher dispatcher;
    private final DeliveryHandler handler;
    private final Runnable onClose;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closing;

    QueuePushSubscriber(Dispatcher dispatcher, DeliveryHandler handler, int concurrency, Runnable onClose) {
        this.dispatcher = dispatcher;
        this.handler = handler;
        this.onClose = onClose;
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().name("herald-kafka-push-" + topic() + ":" + subscription() + "-" + i).start(this::work));
        }
    }

    private void work() {
        try {
            while (!closing) {
                for (Delivery d : dispatcher.poll(1, POLL_SLICE)) {
                    HandlerCall.handle(handler, (LeasedDelivery) d);
                }
            }
        } catch (BrokerClosedException e) {
            // the engine closed under us (the broker or the topic is closing)
        } catch (RuntimeException e) {
            LOG.error("a worker of push subscriber '{}' of topic '{}' stopped", subscription(), topic(), e);
        }
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
    public Set<Integer> assignment() {
        return dispatcher.assignment();
    }

    @Override
    public void expectRebalance() {
        // the engine is the group member; local consumers joining it change no assignment
    }

    /** Waits for the handler calls in progress, then leaves the engine. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        for (Thread w : workers) {
            if (w != Thread.currentThread()) {
                try {
                    w.join(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        onClose.run();
    }
}
