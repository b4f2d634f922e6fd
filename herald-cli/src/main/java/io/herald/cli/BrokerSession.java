package io.herald.cli;

import io.herald.BackendConfig;
import io.herald.Herald;
import io.herald.broker.Broker;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The broker one command works with, from open to close, closed cleanly on Ctrl-C too: the
 * shutdown hook asks the command to stop, gives it {@value #STOP_GRACE_SECONDS} s to return (a
 * following read polls at least that often), then closes the broker so cursors are committed and
 * the directory lock is released.
 *
 * <p>The command thread uses the broker; the hook thread only sets the stop flag and closes it.
 */
final class BrokerSession implements AutoCloseable {

    static final long STOP_GRACE_SECONDS = 1;

    private final Broker broker;
    private final Thread shutdownHook;
    private final CountDownLatch commandReturned = new CountDownLatch(1);
    private volatile boolean stopRequested;

    private BrokerSession(Broker broker) {
        this.broker = broker;
        this.shutdownHook = Thread.ofPlatform().name("herald-shutdown").unstarted(this::stopOnSignal);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Opens the broker where the command works: a data directory (through the server that holds
     * it, if one does; a {@link io.herald.broker.StorageException} if another process holds it
     * otherwise), a Kafka cluster or a server (failing with their address if they do not answer).
     */
    static BrokerSession open(BrokerTarget target) {
        return new BrokerSession(target.open());
    }

    /** Opens this backend itself, never a server's: for a command that needs a broker of its own. */
    static BrokerSession open(BackendConfig backend) {
        return new BrokerSession(Herald.open(backend));
    }

    Broker broker() {
        return broker;
    }

    /** True once the process was asked to stop (Ctrl-C, SIGTERM): loops end at their next turn. */
    boolean stopRequested() {
        return stopRequested;
    }

    private void stopOnSignal() {
        stopRequested = true;
        try {
            commandReturned.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        broker.close();
    }

    @Override
    public void close() {
        commandReturned.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and closes the broker as well; closing twice is harmless
        }
        broker.close();
    }
}
