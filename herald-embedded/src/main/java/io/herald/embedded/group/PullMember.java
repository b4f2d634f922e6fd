package io.herald.embedded.group;

import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** The embedded {@link PullSubscriber}: a {@link GroupMember} polled by the application. */
final class PullMember implements PullSubscriber {

    private final GroupMember member;
    private final GroupCoordinator coordinator;
    private final AtomicBoolean closed = new AtomicBoolean();

    PullMember(GroupMember member, GroupCoordinator coordinator) {
        this.member = member;
        this.coordinator = coordinator;
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
    public List<Delivery> poll(int max, Duration wait) {
        if (closed.get()) {
            throw new io.herald.broker.BrokerClosedException("this pull subscriber of '" + subscription() + "'");
        }
        return member.poll(max, wait);
    }

    @Override
    public Set<Integer> assignment() {
        return member.assignment();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            coordinator.leave(member, this);
        }
    }
}
