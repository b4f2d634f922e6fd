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

    /** Closes the broker and removes what the fixture made. */
    @Override
    void close() throws Exception;
}
