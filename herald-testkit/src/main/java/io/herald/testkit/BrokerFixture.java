package io.herald.testkit;

import io.herald.broker.Broker;

/**
 * What a backend gives the conformance suite: a broker on storage of its own, which can be
 * restarted on the same storage (to prove that what was acknowledged and committed survives).
 */
public interface BrokerFixture extends AutoCloseable {

    /** The broker as it is now. */
    Broker broker();

    /** Closes the broker cleanly and opens a new one on the same storage. */
    Broker restart() throws Exception;

    /**
     * The smallest segment the backend takes, for tests of retention (which drops whole
     * segments): 64 KiB unless the backend has a floor of its own (Kafka's is 1 MiB).
     */
    default long smallSegmentBytes() {
        return 64 * 1024;
    }

    /** Closes the broker and removes what the fixture made. */
    @Override
    void close() throws Exception;
}
