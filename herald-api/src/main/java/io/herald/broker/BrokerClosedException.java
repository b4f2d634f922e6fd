package io.herald.broker;

import io.herald.error.HeraldException;

/** A call on a broker (or a consumer) after it was closed. */
public final class BrokerClosedException extends HeraldException {

    public BrokerClosedException(String what) {
        super(what + " is closed");
    }
}
