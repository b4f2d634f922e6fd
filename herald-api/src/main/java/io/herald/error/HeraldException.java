package io.herald.error;

/**
 * The root of every error Herald raises on purpose. Each subclass names one failure a caller can
 * act on, and its message carries the evidence: the topic, the attribute, the value that was wrong.
 */
public class HeraldException extends RuntimeException {

    public HeraldException(String message) {
        super(message);
    }

    public HeraldException(String message, Throwable cause) {
        super(message, cause);
    }
}
