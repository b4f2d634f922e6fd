package io.herald.server.webhook;

import io.herald.broker.RetryAfterException;
import java.time.Duration;

/**
 * The webhook stopped (the server closing, the webhook changed or removed) while a delivery waited
 * for its destination: the call was not made. The Broker API has no way to hand a delivery back
 * without counting an attempt, so the delivery fails and comes again by the retry policy, but
 * not sooner than {@link #RETRY_AFTER}: a consumer that is stopping would otherwise take it again
 * (after a short backoff) before it has left, and spend another attempt on it.
 */
public final class WebhookStoppedException extends RetryAfterException {

    /** Long enough for a stopping consumer to leave; short enough for another server to take the event soon. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    public WebhookStoppedException(String message) {
        super(message, RETRY_AFTER);
    }
}
