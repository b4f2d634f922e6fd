package io.herald.server.webhook;

import java.time.Duration;
import java.util.Optional;

/** What became of one HTTP call to a webhook: an answer, no answer in time, or no connection. */
sealed interface Call {

    /**
     * The destination answered.
     *
     * @param retryAfter the {@code Retry-After} header, as sent
     * @param location   the {@code Location} header of a redirect, as sent
     * @param body       the start of the answer's body (at most {@link WebhookHandler#BODY_BYTES})
     */
    record Answered(int status, Optional<String> retryAfter, Optional<String> location, byte[] body) implements Call {
    }

    /** No complete answer within the webhook's timeout. */
    record TimedOut(Duration timeout) implements Call {
    }

    /** No connection, or it broke: refused, reset, unknown host, TLS failure. */
    record Unreachable(String reason) implements Call {
    }
}
