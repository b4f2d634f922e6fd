package io.herald.kafka.cluster;

import io.herald.ClusterUnreachableException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The admin connection to one Kafka cluster and the one way Herald waits for it: every call is
 * bounded by the request timeout, and a timeout becomes a {@link ClusterUnreachableException}
 * naming the bootstrap servers. Other Kafka errors are rethrown unwrapped for the caller to map
 * onto the API's exceptions. Thread-safe.
 */
public final class Cluster implements AutoCloseable {

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;

    public Cluster(Admin admin, String bootstrapServers, Duration timeout) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    public Admin admin() {
        return admin;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The future's value; a Kafka error is thrown as itself (a {@code KafkaException}), a timeout as unreachable. */
    public <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnreachableException(bootstrapServers, what + " (interrupted)", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ClusterUnreachableException(bootstrapServers, what + " within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw new ClusterUnreachableException(bootstrapServers, what + " within " + timeout.toMillis() + " ms", cause);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(what + " failed", cause);
        }
    }

    @Override
    public void close() {
        admin.close(timeout);
    }
}
