package io.herald.server.webhook;


/**
 * A webhook call that failed in a way a later attempt may not: the destination answered 408, 3xx
 * or 5xx, gave no answer in time, or could not be reached. The subscription's retry policy judges
 * it; its message names the call, the status and the start of the answer, and becomes the
 * dead letter's error when the attempts run out. (A {@code Retry-After} answer is a
 * {@link io.herald.broker.RetryAfterException} instead; a refusal a
 * {@link io.herald.broker.RejectException}.)
 */
public final class WebhookCallException extends RuntimeException {

    public WebhookCallException(String message) {
        super(message, null, false, false);
    }
}
