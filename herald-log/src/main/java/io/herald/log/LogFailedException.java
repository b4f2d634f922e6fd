package io.herald.log;

/** A write to a log that failed, or that came after an earlier failure; the cause is the original I/O error. */
public final class LogFailedException extends RuntimeException {

    public LogFailedException(String log, Throwable cause) {
        super("log " + log + " failed and takes no more writes until it is reopened: " + cause, cause);
    }
}
