package io.herald.jdbc.relay;

import io.herald.error.HeraldException;

/** The broker did not acknowledge a batch of outbox rows; they stay in the outbox and are retried. */
final class PublishFailedException extends HeraldException {

    PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
