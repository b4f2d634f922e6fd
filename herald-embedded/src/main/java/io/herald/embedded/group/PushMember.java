package io.herald.embedded.group;

import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Subscriber;
import io.herald.broker.spi.HandlerCall;
import io.herald.error.HeraldException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The embedded {@link Subscriber}: a virtual thread that polls its {@link GroupMember} and calls
 * the handler for each delivery in order. Return = ack; {@link io.herald.broker.RejectException} = dead letter;
 * any other exception = a failure for the retry policy, and the partition waits for the retry, so
 * partition order holds and nothing is skipped.
 */
final class PushMember implements Subscriber {

    private static final int BATCH = 256;
    private static final Duration POLL_WAIT = Duration.ofMillis(100);

    private final GroupMember member;
    private final GroupCoordinator coordinator;
    private final DeliveryHandler handler;
    private final Thread thread;
    private volatile boolean stopping;

    PushMember(GroupMember member, GroupCoordinator coordinator, DeliveryHandler handler) {
        this.member = member;
        this.coordinator = coordinator;
        this.handler = handler;
        this.thread = Thread.ofVirtual().name("herald-subscriber-" + member.group().name() + "-" + member.id()).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!stopping) {
                List<Delivery> batch;
                try {
                    batch = member.poll(BATCH, POLL_WAIT);
                } catch (HeraldException e) {
                    return; // topic deleted or broker closed: nothing more to consume
                }
                for (Delivery delivery : batch) {
                    if (stopping) {
                        break;
                    }
                    PartitionDelivery d = (PartitionDelivery) delivery;
                    if (!d.isStale()) {
                        HandlerCall.handle(handler, d);
                    }
                }
            }
        } finally {
            if (!member.isTerminated()) {
                coordinator.leave(member, this);
            }
        }
    }

    @Override
    public String topic() {
        return member.group().topic().name();
    }

    @Override
    public String subscription() {
        return member.group().name();
    }

    @Override
    public Set<Integer> assignment() {
        return member.assignment();
    }

    @Override
    public void close() {
        stopping = true;
        member.wake();
        if (Thread.currentThread() == thread) {
            return; // called from the handler: the loop leaves the group when the handler returns
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
