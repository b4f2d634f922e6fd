package io.herald.embedded.dispatch;

import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Subscriber;
import io.herald.broker.spi.HandlerCall;
import io.herald.error.HeraldException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A push consumer of a {@code KEY} or {@code NONE} subscription: {@code concurrency} virtual
 * threads, each taking leases from the {@link Dispatcher} (one, or a batch when many events are
 * ready) and calling the handler for each in turn.
 * Return = ack; {@link io.herald.broker.RejectException} = dead letter now; any other exception = a failure for the
 * retry policy. With {@code KEY} the dispatcher never hands two events of one key out at once,
 * so each key is handled in order however many threads run.
 */
public final class QueuePushConsumer implements Subscriber {

    private static final Duration POLL_WAIT = Duration.ofMillis(100);

    private final Dispatcher dispatcher;
    private final String topic;
    private final int partitions;
    private final String id;
    private final DeliveryHandler handler;
    private final Consumer<QueuePushConsumer> onClose;
    private final List<Thread> workers = new ArrayList<>();
    private final int concurrency;
    private volatile boolean stopping;

    public QueuePushConsumer(Dispatcher dispatcher, String topic, int partitions, String id, int concurrency,
                             DeliveryHandler handler, Consumer<QueuePushConsumer> onClose) {
        this.dispatcher = dispatcher;
        this.topic = topic;
        this.partitions = partitions;
        this.id = id;
        this.handler = handler;
        this.onClose = onClose;
        this.concurrency = concurrency;
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().name("herald-" + dispatcher.subscription() + "-" + id + "-" + i).unstarted(this::work));
        }
    }

    public void start() {
        workers.forEach(Thread::start);
    }

    private void work() {
        AckBatch acks = new AckBatch(Thread.currentThread());
        // at most its fair share of what is ready (see Dispatcher.poll), and what it handles within its leases
        BatchSize size = new BatchSize(dispatcher.spec().leaseDuration());
        try {
            while (!stopping) {
                List<Delivery> batch = dispatcher.poll(id, size.next(), concurrency, POLL_WAIT, acks);
                acks.clear();
                long start = System.nanoTime();
                for (Delivery delivery : batch) {
                    QueueDelivery d = (QueueDelivery) delivery;
                    d.collectAcksIn(acks);
                    HandlerCall.handle(handler, d);
                }
                size.handled(batch.size(), System.nanoTime() - start);
            }
            dispatcher.ackAll(acks);
        } catch (HeraldException e) {
            // topic deleted or broker closed: the acks not yet given mean redelivery after a restart
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
