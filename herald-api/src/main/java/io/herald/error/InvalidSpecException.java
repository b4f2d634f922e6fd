package io.herald.error;

/** A topic or subscription setting out of its allowed range; the message names the setting and the value. */
public final class InvalidSpecException extends HeraldException {

    public InvalidSpecException(String message) {
        super(message);
    }
}
