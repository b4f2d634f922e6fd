package io.herald.embedded.dispatch;

import io.herald.HeraldException;
import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.RejectException;
import io.herald.broker.Subscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push consumer of a {@code KEY} or {@code NONE} subscription: {@code concurrency} virtual
 * threads, each taking one lease at a time from the {@link Dispatcher} and calling the handler.
 * Return = ack; {@link RejectException} = dead letter now; any other exception = a failure for the
 * retry policy. With {@code KEY} the dispatcher never hands two events of one key out at once,
 * so each key is handled in order however many threads run.
 */
public final class QueuePushConsumer implements Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(QueuePushConsumer.class);
    private static final Duration POLL_WAIT = Duration.ofMillis(100);

    private final Dispatcher dispatcher;
    private final String topic;
    private final int partitions;
    private final String id;
    private final DeliveryHandler handler;
    private final Consumer<QueuePushConsumer> onClose;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopping;

    public QueuePushConsumer(Dispatcher dispatcher, String topic, int partitions, String id, int concurrency,
                             DeliveryHandler handler, Consumer<QueuePushConsumer> onClose) {
        this.dispatcher = dispatcher;
        this.topic = topic;
        this.partitions = partitions;
        this.id = id;
        this.handler = handler;
        this.onClose = onClose;
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().name("herald-" + dispatcher.subscription() + "-" + id + "-" + i).unstarted(this::work));
        }
    }

    public void start() {
        workers.forEach(Thread::start);
    }

    private void work() {
        while (!stopping) {
            List<Delivery> one;
            try {
                one = dispatcher.poll(id, 1, POLL_WAIT);
            } catch (HeraldException e) {
                return; // topic deleted or broker closed
            }
            for (Delivery delivery : one) {
                handle((QueueDelivery) delivery);
            }
        }
    }

    private void handle(QueueDelivery delivery) {
        try {
            handler.handle(delivery);
            delivery.ack();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RejectException e) {
            delivery.reject(e.getMessage());
        } catch (Throwable e) {
            LOG.warn("handler of subscription '{}' failed on {} (attempt {})", delivery.subscription(), delivery, delivery.attempt(), e);
            delivery.fail(e);
        }
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
    public Set<Integer> assignment() {
        return IntStream.range(0, partitions).boxed().collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** Stops taking leases and waits for the handler calls in progress (unless called from one). */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        boolean interrupted = false;
        for (Thread w : workers) {
            if (w == Thread.currentThread()) {
                continue;
            }
            while (w.isAlive()) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        dispatcher.leave(id);
        onClose.accept(this);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
