package io.herald.broker;

/**
 * Thrown by a push handler to reject the event for good: it goes to the subscription's
 * dead-letter topic at once, with this exception's message as the reason, whatever the retry
 * policy says. Any other exception means "try again".
 */
public class RejectException extends RuntimeException {

    public RejectException(String reason) {
        super(reason);
    }

    public RejectException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
