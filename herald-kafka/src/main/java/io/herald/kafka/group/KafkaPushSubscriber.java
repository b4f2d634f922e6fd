package io.herald.kafka.group;

import io.herald.broker.Delivery;
import io.herald.broker.DeliveryHandler;
import io.herald.broker.Subscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.broker.spi.HandlerCall;
import io.herald.kafka.failure.FailureLog;
import io.herald.kafka.state.StateFollower;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A push member of a {@code PARTITION} subscription: one thread that polls its member and calls
 * the handler for each delivery in offset order per partition ({@link HandlerCall}: a return acks,
 * a {@code RejectException} dead-letters, any other throw is a failure for the retry policy). After
 * a failure the rest of that partition's batch is skipped: the partition is rewound to the failed
 * event (or, if it is dead-lettered, to the event after it).
 */
public final class KafkaPushSubscriber implements Subscriber, GroupPeer {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPushSubscriber.class);
    private static final Duration POLL_SLICE = Duration.ofMillis(100);

    private final String topic;
    private final String subscription;
    private final PartitionMember member;
    private final DeliveryHandler handler;
    private final Runnable onClose;
    private final Thread worker;
    private volatile boolean closing;

    public KafkaPushSubscriber(Map<String, Object> clientBase, String topic, String subscription, SubscriptionSpec spec,
                               DeliveryHandler handler, FailureLog failures, StateFollower follower, Clock clock, Runnable onClose) {
        this.topic = topic;
        this.subscription = subscription;
        this.member = new PartitionMember(clientBase, topic, subscription, spec, failures, follower, clock);
        this.handler = handler;
        this.onClose = onClose;
        this.worker = Thread.ofPlatform().name("herald-kafka-push-" + topic + ":" + subscription).daemon().unstarted(this::run);
        worker.start();
    }

    private void run() {
        try {
            while (!closing) {
                Set<Integer> failed = new HashSet<>();
                for (Delivery d : member.poll(500, POLL_SLICE)) {
                    if (d instanceof RedriveDelivery redriven) {
                        if (!closing) {
                            HandlerCall.handle(handler, redriven);
                        }
                        continue;
                    }
                    PartitionDelivery delivery = (PartitionDelivery) d;
                    if (closing || failed.contains(d.position().partition()) || delivery.isStale()) {
                        continue; // it will come again from the committed cursor or the rewind
                    }
                    HandlerCall.handle(handler, delivery);
                    if (delivery.failed()) {
                        failed.add(d.position().partition());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("push subscriber '{}' of topic '{}' stopped", subscription, topic, e);
        } finally {
            try {
                member.close();
            } catch (RuntimeException e) {
                LOG.warn("push subscriber '{}' of topic '{}' did not close cleanly: {}", subscription, topic, e.getMessage());
            }
        }
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String subscription() {
        return subscription;
    }

    @Override
    public void expectRebalance() {
        member.expectRebalance();
    }

    @Override
    public Set<Integer> assignment() {
        return member.assignment();
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (Thread.currentThread() != worker) {
            try {
                worker.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        onClose.run();
    }
}
