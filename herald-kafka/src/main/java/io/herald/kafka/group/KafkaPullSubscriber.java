package io.herald.kafka.group;

import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.SubscriptionSpec;
import io.herald.kafka.failure.FailureLog;
import io.herald.kafka.state.StateFollower;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A pull member of a {@code PARTITION} subscription. The lock lets the broker close a member that
 * its owner thread abandoned (or is polling): the poll is woken up and returns empty.
 */
public final class KafkaPullSubscriber implements PullSubscriber, GroupPeer {

    private final String topic;
    private final String subscription;
    private final SubscriptionSpec spec;
    private final PartitionMember member;
    private final Runnable onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    public KafkaPullSubscriber(Map<String, Object> clientBase, String topic, String subscription, SubscriptionSpec spec,
                               FailureLog failures, StateFollower follower, Clock clock, Runnable onClose) {
        this.topic = topic;
        this.subscription = subscription;
        this.member = new PartitionMember(clientBase, topic, subscription, spec, failures, follower, clock);
        this.onClose = onClose;
        this.spec = spec;
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
    public List<Delivery> poll(int max, Duration wait) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        lock.lock();
        try {
            if (closed) {
                throw new BrokerClosedException("pull subscriber '" + subscription + "' of topic '" + topic + "'");
            }
            return member.poll(max, wait);
        } catch (WakeupException e) {
            return List.of();
        } catch (KafkaException e) {
            throw PartitionMember.translate(e, spec);
        } finally {
            lock.unlock();
        }
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
        if (closed) {
            return;
        }
        closed = true;
        member.wakeup();
        lock.lock();
        try {
            member.close();
        } finally {
            lock.unlock();
            onClose.run();
        }
    }
}
