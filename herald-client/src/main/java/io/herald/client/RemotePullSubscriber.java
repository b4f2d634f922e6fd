package io.herald.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.herald.broker.BrokerClosedException;
import io.herald.broker.Delivery;
import io.herald.broker.PullSubscriber;
import io.herald.broker.RetryPolicy;
import io.herald.http.EventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A pull consumer over {@code POST .../receive}: each poll is one long poll (waits longer than the
 * server's 20 s are several). The member of the subscription's group is the server's own consumer,
 * shared by every HTTP client of the subscription; this one holds receipts, not partitions, and
 * its verdicts are sent as they are made, so {@link #close()} has nothing left to commit.
 *
 * <p>Not thread-safe for polling, as the interface says; its deliveries are.
 */
final class RemotePullSubscriber implements PullSubscriber {

    /** The most deliveries one receive may ask for, as the server's defaults allow. */
    static final int MAX_RECEIVE = 1000;

    private final RemoteBroker broker;
    private final ServerConnection server;
    private final String topic;
    private final String subscription;
    /** The subscription's: a delivery handed to HandlerCall judges a handler's failure by it (RemoteDelivery). */
    private final RetryPolicy retry;
    private final Set<Integer> partitions;
    private volatile boolean closed;

    RemotePullSubscriber(RemoteBroker broker, ServerConnection server, String topic, String subscription, RetryPolicy retry,
                         Set<Integer> partitions) {
        this.broker = broker;
        this.server = server;
        this.topic = topic;
        this.subscription = subscription;
        this.retry = retry;
        this.partitions = Set.copyOf(partitions);
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
        if (closed) {
            throw new BrokerClosedException("this pull subscriber of '" + subscription + "'");
        }
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, got " + max);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Duration slice = left.compareTo(RemoteTopicReader.MAX_WAIT) > 0 ? RemoteTopicReader.MAX_WAIT : left;
            JsonNode answer = server.call(ServerConnection.Request.post(RemoteBroker.subscriptionPath(topic, subscription) + "/receive")
                    .about(topic).query("max", Math.min(max, MAX_RECEIVE)).query("wait", slice.toMillis() + "ms")
                    .timeout(ServerConnection.CALL_TIMEOUT.plus(slice))).json(EventJson.RAW_MEMBERS);
            List<Delivery> got = new ArrayList<>();
            for (JsonNode d : answer.path("deliveries")) {
                got.add(RemoteDelivery.read(server, topic, subscription, retry, d));
            }
            if (!got.isEmpty() || left.compareTo(RemoteTopicReader.MAX_WAIT) <= 0 || closed) {
                return got;
            }
        }
    }

    /**
     * Every partition of the topic: the server's consumer owns them (or those its group gives it)
     * and hands this client deliveries from any of them.
     */
    @Override
    public Set<Integer> assignment() {
        return partitions;
    }

    @Override
    public void close() {
        closed = true;
        broker.forget(this);
    }
}
